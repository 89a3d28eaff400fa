namespace WebAvatar.Speech.Synthesis;

/// <summary>Input checks shared by every engine, run before any work is queued.</summary>
public static class TtsTextGuard
{
    public const string EmptyTextMessage = "Nothing to say: text is empty";

    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is blank, or longer than <paramref name="maxLength"/> characters.</exception>
    public static void Validate(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException(EmptyTextMessage, nameof(text));
        }

        if (text.Length > maxLength)
        {
            throw new ArgumentException(
                $"Text is {text.Length} characters, over the limit of {maxLength} (Tts:MaxTextLength). Send it in shorter segments.", nameof(text));
        }
    }
}
