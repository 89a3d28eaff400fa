namespace WebAvatar.Pipeline.Session;

/// <summary>Checks user and operator text before any work starts, with messages meant for a person.</summary>
public static class InputValidator
{
    public static string Validate(string? text, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Nothing to say: the text is empty.", nameof(text));
        }

        if (text.Length > maxChars)
        {
            throw new ArgumentException($"The text is too long: {text.Length:N0} characters, the limit is {maxChars:N0}.", nameof(text));
        }

        return text.Trim();
    }
}
