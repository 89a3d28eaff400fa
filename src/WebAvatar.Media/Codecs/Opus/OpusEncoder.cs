namespace WebAvatar.Media.Codecs.Opus;

/// <summary>
/// libopus encoder for WebRTC: 48 kHz, 20 ms frames, in-band FEC. One instance per stream; not thread-safe.
/// </summary>
public sealed unsafe class OpusEncoder : IDisposable
{
    /// <summary>Largest Opus packet we produce (RFC 6716 allows 1275 bytes per frame).</summary>
    public const int MaxPacketBytes = 1275;

    private IntPtr _handle;

    public OpusEncoder(int sampleRate = 48_000, int channels = 1, int bitrate = 32_000, int expectedLossPercent = 10)
    {
        _handle = OpusNative.EncoderCreate(sampleRate, channels, OpusNative.ApplicationVoip, out int error);
        if (_handle == IntPtr.Zero || error != 0)
        {
            throw new OpusException($"opus_encoder_create({sampleRate} Hz, {channels} ch) failed: {OpusNative.Describe(error)}");
        }

        SampleRate = sampleRate;
        Channels = channels;
        Check(OpusNative.EncoderCtl(_handle, OpusNative.SetBitrateRequest, bitrate), "bitrate");
        Check(OpusNative.EncoderCtl(_handle, OpusNative.SetInbandFecRequest, 1), "in-band FEC");
        Check(OpusNative.EncoderCtl(_handle, OpusNative.SetPacketLossPercRequest, expectedLossPercent), "packet loss");
        Check(OpusNative.EncoderCtl(_handle, OpusNative.SetComplexityRequest, 5), "complexity");
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples per channel in one 20 ms frame.</summary>
    public int FrameSamples => SampleRate / 50;

    public bool InbandFecEnabled => OpusNative.EncoderCtlGet(Handle, OpusNative.GetInbandFecRequest, out int v) == 0 && v == 1;

    /// <summary>
    /// Encodes exactly one 20 ms frame (<see cref="FrameSamples"/> x channels interleaved samples) into
    /// <paramref name="packet"/> (at least <see cref="MaxPacketBytes"/>) and returns the packet length.
    /// Does not block beyond the encode itself.
    /// </summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> packet)
    {
        if (pcm.Length != FrameSamples * Channels)
        {
            throw new ArgumentException($"Opus frame must be {FrameSamples * Channels} samples, got {pcm.Length}.", nameof(pcm));
        }

        fixed (short* p = pcm)
        fixed (byte* d = packet)
        {
            int n = OpusNative.Encode(Handle, p, FrameSamples, d, Math.Min(packet.Length, MaxPacketBytes));
            if (n < 0)
            {
                throw new OpusException($"opus_encode failed: {OpusNative.Describe(n)}");
            }

            return n;
        }
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (handle != IntPtr.Zero)
        {
            OpusNative.EncoderDestroy(handle);
        }
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(OpusEncoder));

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new OpusException($"opus_encoder_ctl({what}) failed: {OpusNative.Describe(result)}");
        }
    }
}
