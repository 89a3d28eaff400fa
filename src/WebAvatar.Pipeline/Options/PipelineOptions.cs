using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Pipeline.Options;

public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

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

    /// <summary>
    /// Slots each idle pose is shown for (1 = a new pose every 40 ms). Idle motion is slow, so 2 looks the same and saves
    /// about a fifth of a listening session's CPU (`bench idle`); see <see cref="Session.IdleFrames"/>.
    /// </summary>
    [Range(1, 4)]
    public int IdleFrameHold { get; set; } = 2;

    /// <summary>Longest user text or "say" line accepted.</summary>
    [Range(1, 1_000_000)]
    public int MaxInputChars { get; set; } = 4000;

    /// <summary>
    /// Preemptive replies: at the first silent moment after the user speaks, start the reply (LLM, TTS, lip-sync) on the
    /// speculative transcript and hold its output until the end of the turn is confirmed; dropped silently when the user
    /// goes on. Saves the ASR and first-clause time; costs a wasted LLM call per pause that was not the end.
    /// </summary>
    public bool PreemptiveReplies { get; set; } = true;
}

/// <summary>The attribute rules of <see cref="PipelineOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class PipelineOptionsValidator : IValidateOptions<PipelineOptions>;
