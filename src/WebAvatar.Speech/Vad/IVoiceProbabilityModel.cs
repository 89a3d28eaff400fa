namespace WebAvatar.Speech.Vad;

/// <summary>
/// A frame classifier shared by all sessions (thread-safe); per-stream state lives in the streams it creates.
/// </summary>
public interface IVoiceProbabilityModel
{
    /// <summary>"silero-v5" or "energy"; shown on the health page.</summary>
    string Name { get; }

    /// <summary>Creates the per-stream state. The caller disposes it.</summary>
    IVoiceProbabilityStream CreateStream();
}

/// <summary>Speech probability of consecutive windows of one audio stream. Not thread-safe; calls block for inference (~0.1 ms).</summary>
public interface IVoiceProbabilityStream : IDisposable
{
    /// <summary>Samples per window (512 at 16 kHz = 32 ms).</summary>
    int WindowSamples { get; }

    /// <summary>Speech probability in [0, 1] of the next window (floats in [-1, 1], exactly <see cref="WindowSamples"/> long). The span is only read.</summary>
    float Process(ReadOnlySpan<float> window);

    /// <summary>Forgets the stream's history (recurrent state and context).</summary>
    void Reset();
}
