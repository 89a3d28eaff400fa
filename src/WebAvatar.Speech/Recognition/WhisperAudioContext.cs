namespace WebAvatar.Speech.Recognition;

/// <summary>
/// whisper.cpp's audio context (encoder frames to attend over) sized to an utterance instead of Whisper's fixed 30 s:
/// the encoder cost falls roughly with the square of it, which is most of a short utterance's decode time.
/// </summary>
public static class WhisperAudioContext
{
    /// <summary>Encoder frames for 30 s: the model's full context.</summary>
    public const int Full = 1500;

    /// <summary>Encoder frames per second of audio (mel hop 10 ms, then the stride-2 convolution).</summary>
    public const int FramesPerSecond = 50;

    /// <summary>Extra frames past the audio, so the last word is not cut at the context edge.</summary>
    public const int MarginFrames = 16;

    // The encoder's matrix kernels work in blocks; a multiple of 16 keeps them on their fast paths.
    private const int Granularity = 16;

    /// <summary>The context for <paramref name="samples"/> 16 kHz samples: 50 frames/s plus a margin, rounded up to 16, at most 1500.</summary>
    public static int FramesFor(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        var frames = (int)Math.Ceiling(samples * (double)FramesPerSecond / 16_000) + MarginFrames;
        var rounded = (frames + Granularity - 1) / Granularity * Granularity;
        return Math.Min(Full, rounded);
    }
}
