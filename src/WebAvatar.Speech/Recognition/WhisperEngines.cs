namespace WebAvatar.Speech.Recognition;

/// <summary>The values of <see cref="WhisperOptions.Engine"/>.</summary>
public static class WhisperEngines
{
    public const string Auto = "auto";
    public const string WhisperNet = "whisper.net";
    public const string Onnx = "onnx";

    /// <summary>An OpenAI-compatible transcription server (section "Asr:OpenAiCompatible").</summary>
    public const string OpenAi = "openai";
}
