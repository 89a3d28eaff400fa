using WebAvatar.LipSync;

namespace WebAvatar.Data.Entities;

public enum AvatarKind
{
    Image,
    Video,
}

public enum AvatarStatus
{
    Processing,
    Ready,
    Failed,
}

/// <summary>
/// An uploaded avatar. Files live under the data folder at avatars/<see cref="Id"/>/: the upload
/// (<see cref="StoredFileName"/>, a generated name), poster.png (first frame), thumb.png, face.png, matte-preview.png and
/// the replacement background (<see cref="BackgroundImage"/>).
/// </summary>
public sealed class AvatarRecord
{
    /// <summary>Generated, lowercase hex; also the folder name.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    public AvatarKind Kind { get; set; }

    public required string MediaType { get; set; }

    public required string StoredFileName { get; set; }

    public long SizeBytes { get; set; }

    public AvatarStatus Status { get; set; }

    public string? StatusMessage { get; set; }

    /// <summary>"auto", "parametric" or "wav2lip".</summary>
    public string LipSyncEngine { get; set; } = "auto";

    public bool IsDefault { get; set; }

    /// <summary>Offered to visitors on the public chat page (and the public API) to choose from.</summary>
    public bool IsPublic { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Face box in poster pixels, when a face was found.</summary>
    public FaceBox? Face { get; set; }

    /// <summary>What sessions of this avatar do with its picture's background.</summary>
    public AvatarBackgroundMode BackgroundMode { get; set; } = AvatarBackgroundMode.Keep;

    /// <summary>"#rrggbb" to replace the background with (<see cref="AvatarBackgroundMode.Replace"/>), or null.</summary>
    public string? BackgroundColor { get; set; }

    /// <summary>Generated name of the replacement picture in the avatar's folder (<see cref="AvatarBackgroundMode.Replace"/>), or null.</summary>
    public string? BackgroundImage { get; set; }

    public VoiceBinding Voice { get; set; } = new();

    public Persona Persona { get; set; } = new();

    public DateTime CreatedUtc { get; set; }
}

public sealed class FaceBox
{
    public int X { get; set; }

    public int Y { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }
}

/// <summary>Which TTS voice speaks for an avatar. Speed 1.0 and pitch 1.0 are the engine's defaults.</summary>
public sealed class VoiceBinding
{
    public string VoiceId { get; set; } = "en-us";

    public float Speed { get; set; } = 1f;

    public float Pitch { get; set; } = 1f;
}

/// <summary>Who the avatar is: what the LLM is told, which LLM, and the first line it says.</summary>
public sealed class Persona
{
    public string SystemPrompt { get; set; } = string.Empty;

    /// <summary>Empty: use the app's configured LLM (section "Llm").</summary>
    public string LlmEndpoint { get; set; } = string.Empty;

    public string LlmModel { get; set; } = string.Empty;

    public string Greeting { get; set; } = string.Empty;

    public string Language { get; set; } = "en";
}
