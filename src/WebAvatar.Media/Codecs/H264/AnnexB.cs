using System.Buffers;
using System.Buffers.Binary;

namespace WebAvatar.Media.Codecs.H264;

/// <summary>H.264 byte-stream (Annex-B) helpers: NAL unit splitting, AVCC conversion, AVCDecoderConfigurationRecord.</summary>
public static class AnnexB
{
    public const int NalSlice = 1;
    public const int NalIdr = 5;
    public const int NalSei = 6;
    public const int NalSps = 7;
    public const int NalPps = 8;
    public const int NalAccessUnitDelimiter = 9;

    public static int NalType(byte header) => header & 0x1F;

    /// <summary>Enumerates the NAL units of <paramref name="stream"/> (start codes excluded) without allocating.</summary>
    public static NalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> stream) => new(stream);

    /// <summary>Appends the (offset, length) of every NAL unit in <paramref name="stream"/>, start codes excluded.</summary>
    public static void Split(ReadOnlySpan<byte> stream, List<(int Offset, int Length)> nals)
    {
        foreach (var (offset, length) in EnumerateNalUnits(stream))
        {
            nals.Add((offset, length));
        }
    }

    /// <summary>Returns the first NAL unit of type <paramref name="type"/>, or empty.</summary>
    public static ReadOnlySpan<byte> Find(ReadOnlySpan<byte> stream, int type)
    {
        foreach (var (offset, length) in EnumerateNalUnits(stream))
        {
            if (NalType(stream[offset]) == type)
            {
                return stream.Slice(offset, length);
            }
        }

        return [];
    }

    /// <summary>
    /// Writes the NAL units as 4-byte big-endian length prefixed units (AVCC, as FLV and MP4 carry them),
    /// leaving out parameter sets and delimiters (those travel in the sequence header). Returns bytes written.
    /// </summary>
    public static int WriteAvcc(ReadOnlySpan<byte> stream, IBufferWriter<byte> output)
    {
        int written = 0;
        foreach (var (offset, length) in EnumerateNalUnits(stream))
        {
            int type = NalType(stream[offset]);
            if (type is NalSps or NalPps or NalAccessUnitDelimiter)
            {
                continue;
            }

            var span = output.GetSpan(4 + length);
            BinaryPrimitives.WriteInt32BigEndian(span, length);
            stream.Slice(offset, length).CopyTo(span[4..]);
            output.Advance(4 + length);
            written += 4 + length;
        }

        return written;
    }

    /// <summary>AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1) with one SPS and one PPS, 4-byte NAL lengths.</summary>
    public static byte[] DecoderConfigurationRecord(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        if (sps.Length < 4 || NalType(sps[0]) != NalSps)
        {
            throw new ArgumentException("Not an SPS NAL unit.", nameof(sps));
        }

        if (pps.IsEmpty || NalType(pps[0]) != NalPps)
        {
            throw new ArgumentException("Not a PPS NAL unit.", nameof(pps));
        }

        var record = new byte[11 + sps.Length + pps.Length];
        record[0] = 1;
        record[1] = sps[1]; // profile_idc
        record[2] = sps[2]; // constraint flags
        record[3] = sps[3]; // level_idc
        record[4] = 0xFF;   // 6 reserved bits + lengthSizeMinusOne = 3
        record[5] = 0xE1;   // 3 reserved bits + one SPS
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(6), (ushort)sps.Length);
        sps.CopyTo(record.AsSpan(8));
        int p = 8 + sps.Length;
        record[p] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(p + 1), (ushort)pps.Length);
        pps.CopyTo(record.AsSpan(p + 3));
        return record;
    }

    internal static int FindStartCode(ReadOnlySpan<byte> stream, int from, out int length)
    {
        for (int i = from; i + 2 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0)
            {
                if (stream[i + 2] == 1)
                {
                    // A 4-byte code is a zero byte followed by a 3-byte one.
                    bool four = i > from && stream[i - 1] == 0;
                    length = four ? 4 : 3;
                    return four ? i - 1 : i;
                }
            }
        }

        length = 0;
        return -1;
    }
}

/// <summary>Walks an Annex-B byte stream NAL unit by NAL unit: (offset, length) of each, start codes excluded.</summary>
public ref struct NalUnitEnumerator
{
    private readonly ReadOnlySpan<byte> _stream;
    private int _start;
    private int _codeLength;

    internal NalUnitEnumerator(ReadOnlySpan<byte> stream)
    {
        _stream = stream;
        _start = AnnexB.FindStartCode(stream, 0, out _codeLength);
    }

    public (int Offset, int Length) Current { get; private set; }

    public readonly NalUnitEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_start >= 0)
        {
            int payload = _start + _codeLength;
            int next = AnnexB.FindStartCode(_stream, payload, out int nextCodeLength);
            int end = next < 0 ? _stream.Length : next;
            _start = next;
            _codeLength = nextCodeLength;
            if (end > payload)
            {
                Current = (payload, end - payload);
                return true;
            }
        }

        return false;
    }
}
