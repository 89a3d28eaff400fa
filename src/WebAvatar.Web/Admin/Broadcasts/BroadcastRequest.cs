using System.Text.RegularExpressions;
using WebAvatar.Sessions;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>
/// A broadcast to start, from the dashboard or <c>POST /api/admin/broadcasts</c>. Empty fields take the avatar's own
/// settings (the default avatar when none is named); no target is allowed (the broadcast is then watched over WHEP only).
/// </summary>
public sealed partial record BroadcastRequest(
    string? AvatarId = null,
    string? VoiceId = null,
    string? PersonaPrompt = null,
    SessionMode? Mode = null,
    IReadOnlyList<int>? TargetIds = null)
{
    /// <summary>The persona page's limit for a system prompt.</summary>
    public const int MaxPromptChars = 8000;

    /// <summary>Throws <see cref="ArgumentException"/> with a message for people when a field cannot be used.</summary>
    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(VoiceId) && !VoiceIdPattern().IsMatch(VoiceId.Trim()))
        {
            throw new ArgumentException("A voice id is a short name such as en-us or en_US-lessac-medium (letters, digits, - _ . +; at most 100 characters).");
        }

        if (PersonaPrompt is { Length: > MaxPromptChars })
        {
            throw new ArgumentException($"The persona prompt is limited to {MaxPromptChars} characters (it has {PersonaPrompt.Length}).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.+-]{1,100}$")]
    private static partial Regex VoiceIdPattern();
}
