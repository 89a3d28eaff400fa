using System.Text.Json.Serialization;

namespace WebAvatar.Sessions;

/// <summary>How the text of a <see cref="SpeakCommand"/> becomes speech.</summary>
public enum SpeakMode
{
    /// <summary>The avatar says the text exactly (an operator line); the LLM is not asked.</summary>
    SayExactly,

    /// <summary>The text is the user's turn: the LLM answers it and the avatar speaks the answer.</summary>
    AskLlm,
}

/// <summary>
/// What a session can be told to do. Plain serialisable messages, so a session can later run on another machine
/// behind a distributed engine and be driven the same way.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SpeakCommand), "speak")]
[JsonDerivedType(typeof(InterruptCommand), "interrupt")]
[JsonDerivedType(typeof(ClearHistoryCommand), "clear-history")]
public abstract record SessionCommand;

/// <param name="InterruptCurrent">True replaces a reply in progress at once; false waits until the avatar is listening again.</param>
public sealed record SpeakCommand(string Text, SpeakMode Mode = SpeakMode.SayExactly, bool InterruptCurrent = true) : SessionCommand;

/// <summary>Stop the avatar now (barge-in from a button or an API client).</summary>
public sealed record InterruptCommand : SessionCommand;

/// <summary>Forget the conversation so far (the persona's prompt stays).</summary>
public sealed record ClearHistoryCommand : SessionCommand;

/// <summary>The answer to a command: accepted (with the reply it started, if any) or refused with a message for the caller.</summary>
public sealed record CommandResult(bool Accepted, string? ReplyId = null, string? Error = null)
{
    public static CommandResult Ok(string? replyId = null) => new(true, replyId);

    public static CommandResult Refused(string error) => new(false, null, error);
}
