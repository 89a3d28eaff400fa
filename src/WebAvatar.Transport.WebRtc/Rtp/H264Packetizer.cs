namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>
/// RFC 6184 packetisation-mode 1: one RTP packet per NAL unit that fits, FU-A fragments otherwise.
/// Input is one Annex-B access unit (all slices of one picture); the marker goes on its last packet.
/// Not thread-safe (one scratch buffer per instance).
/// </summary>
public sealed class H264Packetizer
{
    private const int FuAType = 28;
    private const int AccessUnitDelimiter = 9;
    private readonly byte[] _scratch;

    public H264Packetizer(int maxPayload = RtpConstants.MaxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 16);
        MaxPayload = maxPayload;
        _scratch = new byte[maxPayload];
    }

    public int MaxPayload { get; }

    /// <summary>Cuts <paramref name="accessUnit"/> into payloads; returns the number of packets produced.</summary>
    public int Packetize(ReadOnlySpan<byte> accessUnit, IRtpPayloadSink sink)
    {
        int packets = 0;
        var remaining = accessUnit;
        var nal = NextNal(ref remaining);
        while (!nal.IsEmpty)
        {
            var next = NextNal(ref remaining);
            bool lastNal = next.IsEmpty;
            if ((nal[0] & 0x1F) != AccessUnitDelimiter || lastNal)
            {
                packets += PacketizeNal(nal, lastNal, sink);
            }

            nal = next;
        }

        return packets;
    }

    /// <summary>Returns the next NAL unit (without start code) and advances <paramref name="data"/> past it.</summary>
    internal static ReadOnlySpan<byte> NextNal(ref ReadOnlySpan<byte> data)
    {
        int start = FindStartCode(data, 0, out int codeLength);
        if (start < 0)
        {
            // No start code at all: treat the whole buffer as one NAL (tolerates raw NAL input).
            var whole = data;
            data = default;
            return TrimTrailingZeros(whole);
        }

        int payloadStart = start + codeLength;
        int end = FindStartCode(data, payloadStart, out _);
        var nal = end < 0 ? data[payloadStart..] : data[payloadStart..end];
        data = end < 0 ? default : data[end..];
        nal = TrimTrailingZeros(nal);
        return nal.IsEmpty && !data.IsEmpty ? NextNal(ref data) : nal;
    }

    private int PacketizeNal(ReadOnlySpan<byte> nal, bool lastNal, IRtpPayloadSink sink)
    {
        if (nal.Length <= MaxPayload)
        {
            sink.OnPayload(nal, lastNal);
            return 1;
        }

        byte indicator = (byte)((nal[0] & 0xE0) | FuAType);
        byte type = (byte)(nal[0] & 0x1F);
        int chunk = MaxPayload - 2;
        int packets = 0;
        for (int offset = 1; offset < nal.Length; offset += chunk)
        {
            int length = Math.Min(chunk, nal.Length - offset);
            bool first = offset == 1;
            bool last = offset + length >= nal.Length;
            _scratch[0] = indicator;
            _scratch[1] = (byte)((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
            nal.Slice(offset, length).CopyTo(_scratch.AsSpan(2));
            sink.OnPayload(_scratch.AsSpan(0, 2 + length), lastNal && last);
            packets++;
        }

        return packets;
    }

    private static int FindStartCode(ReadOnlySpan<byte> data, int from, out int codeLength)
    {
        for (int i = from; i + 2 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                bool four = i > from && data[i - 1] == 0;
                codeLength = four ? 4 : 3;
                return four ? i - 1 : i;
            }
        }

        codeLength = 0;
        return -1;
    }

    private static ReadOnlySpan<byte> TrimTrailingZeros(ReadOnlySpan<byte> nal)
    {
        int end = nal.Length;
        while (end > 0 && nal[end - 1] == 0)
        {
            end--;
        }

        return nal[..end];
    }
}
