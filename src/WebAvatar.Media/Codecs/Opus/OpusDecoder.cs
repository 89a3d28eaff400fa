namespace WebAvatar.Media.Codecs.Opus;

/// <summary>
/// libopus decoder for the browser microphone (Opus from WebRTC, any frame size up to 120 ms).
/// One instance per incoming stream; not thread-safe.
/// </summary>
public sealed unsafe class OpusDecoder : IDisposable
{
    private IntPtr _handle;

    public OpusDecoder(int sampleRate = 48_000, int channels = 1)
    {
        _handle = OpusNative.DecoderCreate(sampleRate, channels, out int error);
        if (_handle == IntPtr.Zero || error != 0)
        {
            throw new OpusException($"opus_decoder_create({sampleRate} Hz, {channels} ch) failed: {OpusNative.Describe(error)}");
        }

        SampleRate = sampleRate;
        Channels = channels;
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples per channel of the longest Opus packet (120 ms): size output buffers with it.</summary>
    public int MaxFrameSamples => SampleRate * 120 / 1000;

    /// <summary>
    /// Decodes one packet into <paramref name="pcm"/> (interleaved) and returns samples per channel.
    /// An empty <paramref name="packet"/> means "lost": libopus conceals it (pass the expected frame size
    /// through <paramref name="lostFrameSamples"/>). Corrupt packets throw <see cref="OpusException"/>;
    /// callers on the network path catch it and drop the packet.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm, int lostFrameSamples = 0)
    {
        int frameCapacity = pcm.Length / Channels;
        if (packet.IsEmpty)
        {
            frameCapacity = Math.Min(frameCapacity, lostFrameSamples > 0 ? lostFrameSamples : SampleRate / 50);
        }

        fixed (byte* d = packet)
        fixed (short* p = pcm)
        {
            int n = OpusNative.Decode(Handle, packet.IsEmpty ? null : d, packet.Length, p, frameCapacity, 0);
            if (n < 0)
            {
                throw new OpusException($"opus_decode failed: {OpusNative.Describe(n)}");
            }

            return n;
        }
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (handle != IntPtr.Zero)
        {
            OpusNative.DecoderDestroy(handle);
        }
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(OpusDecoder));
}
