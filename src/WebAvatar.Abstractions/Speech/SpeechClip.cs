namespace WebAvatar.Speech;

/// <summary>
/// A finished piece of avatar speech at <see cref="Media.MediaTiming.PipelineSampleRate"/>: one segment of a reply,
/// ready for lip-sync. Immutable after construction; renderers only read it.
/// </summary>
public sealed class SpeechClip
{
    public SpeechClip(short[] samples, IReadOnlyList<PhonemeMark> marks, string text)
    {
        Samples = samples;
        Marks = marks;
        Text = text;
    }

    /// <summary>Mono PCM at the pipeline rate.</summary>
    public short[] Samples { get; }

    /// <summary>Phoneme marks with offsets at the pipeline rate, ascending.</summary>
    public IReadOnlyList<PhonemeMark> Marks { get; }

    /// <summary>The text spoken (for subtitles).</summary>
    public string Text { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Samples.Length / (double)Media.MediaTiming.PipelineSampleRate);

    /// <summary>The viseme active at <paramref name="sample"/> (binary search over the marks).</summary>
    public Viseme VisemeAt(int sample)
    {
        int lo = 0, hi = Marks.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Marks[mid].OffsetSamples <= sample)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? Viseme.Rest : Marks[found].Viseme;
    }
}
