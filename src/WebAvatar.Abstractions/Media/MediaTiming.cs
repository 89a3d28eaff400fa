namespace WebAvatar.Media;

/// <summary>
/// The fixed real-time grid of the whole pipeline. Audio is the master clock: everything
/// downstream derives time from the number of audio samples produced, never from wall time.
/// </summary>
public static class MediaTiming
{
    /// <summary>Sample rate of PCM inside the pipeline (TTS output, lip-sync input, mic after decode).</summary>
    public const int PipelineSampleRate = 16_000;

    /// <summary>Duration of one audio frame (an Opus packet, an RTMP audio tag is independent).</summary>
    public const int AudioFrameMs = 20;

    /// <summary>Samples of one 20 ms mono frame at <see cref="PipelineSampleRate"/>.</summary>
    public const int SamplesPerAudioFrame = PipelineSampleRate * AudioFrameMs / 1000;

    /// <summary>Video frame rate of every avatar stream.</summary>
    public const int VideoFps = 25;

    /// <summary>Duration of one video frame.</summary>
    public const int VideoFrameMs = 1000 / VideoFps;

    /// <summary>Audio frames that belong to one video frame (2 x 20 ms per 40 ms).</summary>
    public const int AudioFramesPerVideoFrame = VideoFrameMs / AudioFrameMs;

    /// <summary>Mono samples at <see cref="PipelineSampleRate"/> that belong to one video frame.</summary>
    public const int SamplesPerVideoFrame = SamplesPerAudioFrame * AudioFramesPerVideoFrame;

    /// <summary>Presentation time in microseconds of video frame <paramref name="frameIndex"/> on the session clock.</summary>
    public static long FrameIndexToMicroseconds(long frameIndex) => frameIndex * VideoFrameMs * 1000L;

    /// <summary>Number of video frames needed to cover <paramref name="samples"/> pipeline samples (rounded up).</summary>
    public static int FramesForSamples(int samples) => (samples + SamplesPerVideoFrame - 1) / SamplesPerVideoFrame;
}
