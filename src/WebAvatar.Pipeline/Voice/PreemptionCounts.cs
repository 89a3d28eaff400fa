namespace WebAvatar.Pipeline.Voice;

/// <summary>How preemptive replies fared in one session.</summary>
/// <param name="VoiceTurns">User turns that ended with a transcript (each got a reply, preemptive or not).</param>
/// <param name="Prepared">Replies started on a speculative transcript.</param>
/// <param name="Kept">Prepared replies the end of the turn confirmed (played).</param>
/// <param name="Dropped">Prepared replies thrown away: the user went on speaking, or the final transcript differed.</param>
public sealed record PreemptionCounts(long VoiceTurns, long Prepared, long Kept, long Dropped)
{
    /// <summary>Kept / prepared, or null before the first guess.</summary>
    public double? KeepRate => Prepared == 0 ? null : (double)Kept / Prepared;
}
