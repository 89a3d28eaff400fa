namespace WebAvatar.Pipeline.Session;

/// <summary>
/// Checks user and operator text before any work starts, with messages meant for a person. The exceptions name no parameter:
/// their message goes to people as it is (a command's refusal, the chat page, the CLI), and a parameter name would append
/// " (Parameter 'text')" to it.
/// </summary>
public static class InputValidator
{
    public static string Validate(string? text, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Nothing to say: the text is empty.");
        }

        if (text.Length > maxChars)
        {
            throw new ArgumentException($"The text is too long: {text.Length:N0} characters, the limit is {maxChars:N0}.");
        }

        return text.Trim();
    }
}
