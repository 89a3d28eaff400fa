namespace WebAvatar.Speech.Recognition;

/// <summary>The most recent samples of a stream, addressed by absolute sample position (for pre-roll).</summary>
internal sealed class AudioHistory(int capacity)
{
    private readonly float[] _ring = new float[capacity];

    /// <summary>Absolute position one past the newest sample.</summary>
    public long End { get; private set; }

    /// <summary>Oldest position still held.</summary>
    public long Start => Math.Max(0, End - _ring.Length);

    public void Append(ReadOnlySpan<float> samples)
    {
        foreach (var s in samples)
        {
            _ring[(int)(End % _ring.Length)] = s;
            End++;
        }
    }

    /// <summary>Copies [from, End) (clamped to what is held) into <paramref name="into"/>; returns the first position copied.</summary>
    public long CopySince(long from, UtteranceBuffer into)
    {
        from = Math.Clamp(from, Start, End);
        for (var p = from; p < End; p++)
        {
            into.Append(_ring[(int)(p % _ring.Length)]);
        }

        return from;
    }
}

/// <summary>A growing utterance with a hard capacity (Whisper's 30 s window).</summary>
internal sealed class UtteranceBuffer(int capacity)
{
    private readonly float[] _samples = new float[capacity];

    public int Length { get; private set; }

    public bool IsFull => Length >= _samples.Length;

    public ReadOnlySpan<float> Samples => _samples.AsSpan(0, Length);

    public void Append(float sample)
    {
        if (Length < _samples.Length)
        {
            _samples[Length++] = sample;
        }
    }

    public void Append(ReadOnlySpan<float> samples)
    {
        var take = Math.Min(samples.Length, _samples.Length - Length);
        samples[..take].CopyTo(_samples.AsSpan(Length));
        Length += take;
    }

    public void Truncate(int length) => Length = Math.Clamp(length, 0, Length);

    public void Clear() => Length = 0;
}
