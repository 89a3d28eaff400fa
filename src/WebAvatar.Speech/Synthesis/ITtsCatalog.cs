namespace WebAvatar.Speech.Synthesis;

/// <summary>What the health/admin page shows about speech synthesis: engines found and their voices. Thread-safe.</summary>
public interface ITtsCatalog
{
    /// <summary>The engine configured in Tts:Engine.</summary>
    string ActiveEngine { get; }

    /// <summary>Every engine with whether it can run here and why not.</summary>
    IReadOnlyList<TtsEngineInfo> GetEngines();

    /// <summary>Voices of <paramref name="engine"/> (espeak, piper, openai); empty when the engine is unavailable.</summary>
    IReadOnlyList<TtsVoiceInfo> GetVoices(string engine);
}

public sealed record TtsEngineInfo(string Name, bool Available, bool Active, string Detail);

/// <param name="Id">What to pass as TextToSpeechOptions.VoiceId.</param>
public sealed record TtsVoiceInfo(string Engine, string Id, string Name, IReadOnlyList<string> Languages);
