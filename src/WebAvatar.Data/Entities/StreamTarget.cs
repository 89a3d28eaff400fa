namespace WebAvatar.Data.Entities;

/// <summary>An RTMP destination a session can be mirrored to. The key is a secret: never send it back in full.</summary>
public sealed class StreamTarget
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string RtmpUrl { get; set; }

    public string StreamKey { get; set; } = string.Empty;

    public DateTime CreatedUtc { get; set; }
}
