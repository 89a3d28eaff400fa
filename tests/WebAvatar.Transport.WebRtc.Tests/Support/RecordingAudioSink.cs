using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>Counts microphone samples and their energy.</summary>
internal sealed class RecordingAudioSink : IAudioInputSink
{
    private readonly object _lock = new();
    private long _samples;
    private double _sumSquares;

    public long Samples
    {
        get
        {
            lock (_lock)
            {
                return _samples;
            }
        }
    }

    /// <summary>RMS level over everything received, in int16 units.</summary>
    public double Rms
    {
        get
        {
            lock (_lock)
            {
                return _samples == 0 ? 0 : Math.Sqrt(_sumSquares / _samples);
            }
        }
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }

        lock (_lock)
        {
            _samples += samples.Length;
            _sumSquares += sum;
        }
    }
}
