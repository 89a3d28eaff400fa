using System.Threading.Channels;
using WebAvatar.Dsp;
using WebAvatar.Media;

namespace WebAvatar.Pipeline.Voice;

/// <summary>
/// The session's microphone: transports write decoded 16 kHz PCM here from their network threads;
/// the voice-input loop reads it in order. Bounded (about 10 s); when the reader stalls the oldest
/// audio is dropped rather than blocking the network thread.
/// </summary>
public sealed class MicrophoneInput : IAudioInputSink
{
    private const int CapacityChunks = 500;
    private readonly Channel<short[]> _chunks = Channel.CreateBounded<short[]>(new BoundedChannelOptions(CapacityChunks)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private long _samples;
    private double _lastRms;

    public ChannelReader<short[]> Chunks => _chunks.Reader;

    /// <summary>Samples received since the session started (for stats and tests).</summary>
    public long SamplesReceived => Interlocked.Read(ref _samples);

    /// <summary>RMS of the most recent chunk (0..32768), for a level meter.</summary>
    public double LastRms => Volatile.Read(ref _lastRms);

    public void Write(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        Volatile.Write(ref _lastRms, AudioLevel.Rms(samples));
        Interlocked.Add(ref _samples, samples.Length);
        _chunks.Writer.TryWrite(samples.ToArray());
    }

    public void Complete() => _chunks.Writer.TryComplete();
}
