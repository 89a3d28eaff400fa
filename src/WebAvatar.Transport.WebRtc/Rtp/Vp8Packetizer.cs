namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>
/// RFC 7741 VP8 packetisation with the minimal one-byte payload descriptor (S bit on the first packet, partition 0).
/// Not thread-safe (one scratch buffer per instance).
/// </summary>
public sealed class Vp8Packetizer
{
    private const byte StartOfPartition = 0x10;
    private readonly byte[] _scratch;

    public Vp8Packetizer(int maxPayload = RtpConstants.MaxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 16);
        MaxPayload = maxPayload;
        _scratch = new byte[maxPayload];
    }

    public int MaxPayload { get; }

    public int Packetize(ReadOnlySpan<byte> frame, IRtpPayloadSink sink)
    {
        int chunk = MaxPayload - 1;
        int packets = 0;
        for (int offset = 0; offset < frame.Length; offset += chunk)
        {
            int length = Math.Min(chunk, frame.Length - offset);
            _scratch[0] = offset == 0 ? StartOfPartition : (byte)0;
            frame.Slice(offset, length).CopyTo(_scratch.AsSpan(1));
            sink.OnPayload(_scratch.AsSpan(0, 1 + length), offset + length >= frame.Length);
            packets++;
        }

        return packets;
    }
}
