using WebAvatar.Data.Entities;

namespace WebAvatar.Data.Tests;

/// <summary>The avatars the store tests write on either provider: one with every owned part set, one with the defaults.</summary>
internal static class TestAvatars
{
    public const string AdaId = "0123456789abcdef", PlainId = "fedcba9876543210";

    public static AvatarRecord Ada(DateTime created) => new()
    {
        Id = AdaId,
        Name = "Ada",
        Kind = AvatarKind.Video,
        MediaType = "video/mp4",
        StoredFileName = "upload.mp4",
        Status = AvatarStatus.Ready,
        LipSyncEngine = "parametric",
        IsPublic = true,
        Face = new FaceBox { X = 10, Y = 20, Width = 30, Height = 40 },
        Voice = new VoiceBinding { VoiceId = "de", Speed = 1.25f, Pitch = 0.9f },
        Persona = new Persona { SystemPrompt = "Be brief.", Greeting = "Hallo!", Language = "de" },
        CreatedUtc = created,
    };

    public static AvatarRecord Plain() => new() { Id = PlainId, Name = "No face", MediaType = "image/png", StoredFileName = "upload.png" };
}
