namespace WebAvatar.Data.Entities;

/// <summary>One final transcript line of a live session.</summary>
public sealed class ChatMessage
{
    public long Id { get; set; }

    public required string SessionId { get; set; }

    /// <summary>"User", "Avatar" or "System".</summary>
    public required string Role { get; set; }

    public required string Text { get; set; }

    public DateTime AtUtc { get; set; }
}
