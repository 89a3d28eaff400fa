using System.Buffers;
using System.Buffers.Binary;
using WebAvatar.Media.Codecs.Aac;
using WebAvatar.Media.Codecs.H264;

namespace WebAvatar.Media.Flv;

/// <summary>
/// Muxes Annex-B H.264 and raw AAC-LC packets into an FLV byte stream (Adobe FLV spec 10.1): header,
/// onMetaData, an AVC sequence header built from the stream's SPS/PPS (again whenever they change),
/// AVCC NAL units and an AAC sequence header before the first audio frame. The stream starts at the first
/// video keyframe; its pts is timestamp 0, every later tag gets its exact millisecond offset from packet
/// pts (composition time 0: there are no B-frames). Audio older than that keyframe is skipped.
/// Not thread-safe. The caller owns <paramref name="output"/>.
/// </summary>
public sealed class FlvMuxer(Stream output, FlvStreamInfo info)
{
    public const byte TagAudio = 8;
    public const byte TagVideo = 9;
    public const byte TagScript = 18;
    private const byte AvcCodecId = 7;
    private const byte AacSoundHeader = (10 << 4) | (3 << 2) | (1 << 1); // AAC, "44 kHz" (always for AAC), 16-bit, mono

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private byte[]? _avcConfig;
    private bool _aacConfigSent;
    private long? _basePts;

    /// <summary>True once the first video keyframe has been written.</summary>
    public bool Started => _basePts.HasValue;

    public long VideoTagsWritten { get; private set; }

    public long AudioTagsWritten { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>
    /// Writes one packet (H.264 or AAC); returns false when it was skipped (before the first keyframe,
    /// or audio older than the start). Blocks only as long as <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// </summary>
    public async ValueTask<bool> WriteAsync(EncodedPacket packet, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        bool written = packet.Codec switch
        {
            MediaCodec.H264 => AppendVideo(packet),
            MediaCodec.Aac => AppendAudio(packet),
            _ => throw new ArgumentException($"FLV carries H.264 and AAC only, not {packet.Codec}.", nameof(packet)),
        };
        if (_buffer.WrittenCount > 0)
        {
            await output.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            BytesWritten += _buffer.WrittenCount;
        }

        return written;
    }

    /// <summary>FLV milliseconds of <paramref name="ptsMicroseconds"/> relative to the stream start.</summary>
    public uint TimestampOf(long ptsMicroseconds) =>
        (uint)Math.Max(0, (ptsMicroseconds - (_basePts ?? ptsMicroseconds)) / 1000);

    private bool AppendVideo(EncodedPacket packet)
    {
        var data = packet.Data.Span;
        if (packet.IsKeyFrame)
        {
            var sps = AnnexB.Find(data, AnnexB.NalSps);
            var pps = AnnexB.Find(data, AnnexB.NalPps);
            if (!sps.IsEmpty && !pps.IsEmpty)
            {
                var config = AnnexB.DecoderConfigurationRecord(sps, pps);
                if (!Started)
                {
                    _basePts = packet.PtsMicroseconds;
                    AppendFileHeader();
                }

                if (_avcConfig is null || !_avcConfig.AsSpan().SequenceEqual(config))
                {
                    _avcConfig = config;
                    AppendVideoTag(packet.PtsMicroseconds, keyFrame: true, packetType: 0, config);
                }
            }
        }

        if (!Started || _avcConfig is null)
        {
            return false;
        }

        _payload.ResetWrittenCount();
        if (AnnexB.WriteAvcc(data, _payload) == 0)
        {
            return false;
        }

        AppendVideoTag(packet.PtsMicroseconds, packet.IsKeyFrame, packetType: 1, _payload.WrittenSpan);
        VideoTagsWritten++;
        return true;
    }

    private bool AppendAudio(EncodedPacket packet)
    {
        if (!Started || !info.HasAudio || packet.PtsMicroseconds < _basePts)
        {
            return false;
        }

        uint timestamp = TimestampOf(packet.PtsMicroseconds);
        if (!_aacConfigSent)
        {
            AppendAudioTag(timestamp, packetType: 0, AacEncoder.AudioSpecificConfig);
            _aacConfigSent = true;
        }

        AppendAudioTag(timestamp, packetType: 1, packet.Data.Span);
        AudioTagsWritten++;
        return true;
    }

    private void AppendFileHeader()
    {
        var header = _buffer.GetSpan(13);
        "FLV"u8.CopyTo(header);
        header[3] = 1;
        header[4] = (byte)((info.HasAudio ? 4 : 0) | 1);
        BinaryPrimitives.WriteUInt32BigEndian(header[5..], 9);
        BinaryPrimitives.WriteUInt32BigEndian(header[9..], 0); // PreviousTagSize0
        _buffer.Advance(13);

        _payload.ResetWrittenCount();
        Amf0Writer.WriteString(_payload, "onMetaData");
        var meta = new List<KeyValuePair<string, object>>
        {
            new("duration", 0.0),
            new("width", (double)info.Width),
            new("height", (double)info.Height),
            new("framerate", (double)info.Fps),
            new("videocodecid", (double)AvcCodecId),
            new("videodatarate", (double)info.VideoBitrateKbps),
        };
        if (info.HasAudio)
        {
            meta.Add(new("audiocodecid", 10.0));
            meta.Add(new("audiodatarate", (double)info.AudioBitrateKbps));
            meta.Add(new("audiosamplerate", (double)AacEncoder.SampleRate));
            meta.Add(new("audiosamplesize", 16.0));
            meta.Add(new("stereo", false));
        }

        meta.Add(new("encoder", "WebAvatar"));
        Amf0Writer.WriteEcmaArray(_payload, meta);
        AppendTag(TagScript, 0, [], _payload.WrittenSpan);
    }

    private void AppendVideoTag(long pts, bool keyFrame, byte packetType, ReadOnlySpan<byte> body)
    {
        // FrameType (1 key, 2 inter) | CodecID, AVCPacketType, CompositionTime (0: no B-frames).
        ReadOnlySpan<byte> prefix = [(byte)(((keyFrame ? 1 : 2) << 4) | AvcCodecId), packetType, 0, 0, 0];
        AppendTag(TagVideo, TimestampOf(pts), prefix, body);
    }

    private void AppendAudioTag(uint timestamp, byte packetType, ReadOnlySpan<byte> body) =>
        AppendTag(TagAudio, timestamp, [AacSoundHeader, packetType], body);

    private void AppendTag(byte type, uint timestamp, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        int dataSize = prefix.Length + body.Length;
        var span = _buffer.GetSpan(11 + dataSize + 4);
        span[0] = type;
        WriteUInt24(span[1..], (uint)dataSize);
        WriteUInt24(span[4..], timestamp & 0xFFFFFF);
        span[7] = (byte)(timestamp >> 24);
        WriteUInt24(span[8..], 0); // StreamID
        prefix.CopyTo(span[11..]);
        body.CopyTo(span[(11 + prefix.Length)..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(11 + dataSize)..], (uint)(11 + dataSize));
        _buffer.Advance(11 + dataSize + 4);
    }

    private static void WriteUInt24(Span<byte> span, uint value)
    {
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }
}
