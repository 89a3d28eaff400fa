using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Pipeline.Options;

public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Smallest segment handed to TTS (characters); shorter clauses wait for more text.</summary>
    [Range(1, 200)]
    public int MinSegmentChars { get; set; } = 10;

    [Range(1, 256)]
    public int SegmentQueueCapacity { get; set; } = 8;

    [Range(1, 64)]
    public int SpeechQueueCapacity { get; set; } = 4;

    /// <summary>Rendered 40 ms frames buffered ahead of the real-time pacer (50 = 2 s).</summary>
    [Range(2, 1000)]
    public int FrameQueueCapacity { get; set; } = 50;

    /// <summary>
    /// Longest a paused reply stays paused (a suspected barge-in the VAD neither confirms nor rejects) before it
    /// resumes by itself.
    /// </summary>
    [Range(40, 10_000)]
    public int MaxSpeechPauseMs { get; set; } = 1000;

    /// <summary>Longest user text or "say" line accepted.</summary>
    [Range(1, 1_000_000)]
    public int MaxInputChars { get; set; } = 4000;
}
