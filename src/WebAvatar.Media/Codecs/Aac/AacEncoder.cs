using System.Globalization;
using WebAvatar.Media.Codecs.Av;

namespace WebAvatar.Media.Codecs.Aac;

/// <summary>
/// AAC-LC through libavcodec's native <c>aac</c> encoder for the RTMP mirror: 48 kHz mono, planar float,
/// 1024-sample frames. Accepts 16-bit PCM at 48 kHz in any chunk size and emits raw AAC frames (no ADTS),
/// each stamped from the encoder's own sample count. Not thread-safe.
/// </summary>
public sealed unsafe class AacEncoder : IDisposable
{
    public const int SampleRate = 48_000;
    public const int FrameSamples = 1024;
    private const int SamplingFrequencyIndex48000 = 3;

    private readonly AvEncoderContext _context;
    private readonly float[] _pending = new float[FrameSamples];
    private int _pendingCount;
    private long _nextFramePts;

    /// <param name="bitrate">Bits per second.</param>
    /// <param name="firstSampleIndex">Position of the first sample that will be written, in 48 kHz samples from session pts 0.</param>
    public AacEncoder(int bitrate = 96_000, long firstSampleIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitrate, 16_000);
        _nextFramePts = firstSampleIndex;
        _context = new AvEncoderContext("aac");
        try
        {
            _context.Set("ar", SampleRate.ToString(CultureInfo.InvariantCulture));
            _context.SetSampleFormat(AvNative.SampleFormatFloatPlanar);
            _context.Set("ch_layout", "mono");
            _context.Set("b", bitrate.ToString(CultureInfo.InvariantCulture));
            _context.Set("time_base", $"1/{SampleRate}");
            _context.Set("profile", "aac_low");
            _context.Open();
            long frameSize = _context.GetInt("frame_size");
            if (frameSize != FrameSamples)
            {
                throw new AvException($"aac encoder opened with frame_size {frameSize}, expected {FrameSamples}.");
            }

            IntPtr f = _context.Frame;
            AvNative.Field<int>(f, AvNative.FrameNbSamples) = FrameSamples;
            AvNative.Field<int>(f, AvNative.FrameFormat) = AvNative.SampleFormatFloatPlanar;
            AvNative.ChannelLayoutDefault(f + AvNative.FrameChLayout, 1);
            _context.AllocateFrameBuffers();
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    /// <summary>AudioSpecificConfig (ISO 14496-3 1.6.2.1) for AAC-LC, 48 kHz, mono: the FLV/MP4 sequence header.</summary>
    public static byte[] AudioSpecificConfig { get; } =
    [
        (byte)((2 << 3) | (SamplingFrequencyIndex48000 >> 1)),
        (byte)(((SamplingFrequencyIndex48000 & 1) << 7) | (1 << 3)),
    ];

    /// <summary>Duration of one AAC frame in microseconds (21333).</summary>
    public static long FrameDurationMicroseconds => FrameSamples * 1_000_000L / SampleRate;

    /// <summary>Buffers <paramref name="pcm"/> (48 kHz mono) and appends a packet to <paramref name="output"/> for each complete 1024-sample frame.</summary>
    public void Write(ReadOnlySpan<short> pcm, List<EncodedPacket> output)
    {
        while (!pcm.IsEmpty)
        {
            int take = Math.Min(FrameSamples - _pendingCount, pcm.Length);
            for (int i = 0; i < take; i++)
            {
                _pending[_pendingCount + i] = pcm[i] / 32768f;
            }

            _pendingCount += take;
            pcm = pcm[take..];
            if (_pendingCount == FrameSamples)
            {
                EncodePending(output);
            }
        }
    }

    /// <summary>Drains the encoder's delayed frames at end of stream.</summary>
    public void Flush(List<EncodedPacket> output) => _context.Encode(true, output, AddPacket);

    public void Dispose() => _context.Dispose();

    private void EncodePending(List<EncodedPacket> output)
    {
        _context.PrepareFrame();
        IntPtr f = _context.Frame;
        float* samples = (float*)AvNative.Field<IntPtr>(f, AvNative.FrameData);
        _pending.AsSpan().CopyTo(new Span<float>(samples, FrameSamples));
        AvNative.Field<long>(f, AvNative.FramePts) = _nextFramePts;
        _nextFramePts += FrameSamples;
        _pendingCount = 0;
        _context.Encode(false, output, AddPacket);
    }

    // The encoder stamps packets with pts - priming (1024 samples), which is when their decoded audio plays.
    private static void AddPacket(List<EncodedPacket> output, ReadOnlySpan<byte> data, long pts, bool key) =>
        output.Add(new EncodedPacket(MediaCodec.Aac, data.ToArray(), pts * 1_000_000L / SampleRate, FrameDurationMicroseconds, true));
}
