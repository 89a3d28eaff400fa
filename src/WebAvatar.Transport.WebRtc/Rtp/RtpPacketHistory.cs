namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>
/// Recently sent plain RTP packets of one stream, for answering NACKs. A ring indexed by sequence number;
/// slots are preallocated so recording a packet never allocates. Not thread-safe (used under the sender's lock).
/// </summary>
public sealed class RtpPacketHistory
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly int[] _sequences;
    private readonly long[] _sentAtMs;

    public RtpPacketHistory(int capacity, int maxPacketLength = RtpConstants.MaxPacket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new byte[capacity][];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new byte[maxPacketLength];
        }

        _lengths = new int[capacity];
        _sequences = new int[capacity];
        Array.Fill(_sequences, -1);
        _sentAtMs = new long[capacity];
    }

    public int Capacity => _slots.Length;

    public void Record(ReadOnlySpan<byte> rtpPacket, long nowMs)
    {
        ushort seq = RtpHeader.ReadSequence(rtpPacket);
        int slot = seq % _slots.Length;
        rtpPacket.CopyTo(_slots[slot]);
        _lengths[slot] = rtpPacket.Length;
        _sequences[slot] = seq;
        _sentAtMs[slot] = nowMs;
    }

    /// <summary>Copies the stored packet with <paramref name="sequence"/> if it was sent within <paramref name="maxAgeMs"/>; returns its length or 0.</summary>
    public int TryCopy(ushort sequence, long nowMs, long maxAgeMs, Span<byte> destination)
    {
        int slot = sequence % _slots.Length;
        if (_sequences[slot] != sequence || nowMs - _sentAtMs[slot] > maxAgeMs)
        {
            return 0;
        }

        int length = _lengths[slot];
        _slots[slot].AsSpan(0, length).CopyTo(destination);
        return length;
    }
}
