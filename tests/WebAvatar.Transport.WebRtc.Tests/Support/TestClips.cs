using WebAvatar.Media.Codecs.Opus;
using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>Encoded frames of the test clips, split the way an encoder delivers them.</summary>
internal static class TestClips
{
    /// <summary>Annex-B access units: a new one starts at a slice with first_mb_in_slice = 0 (or an AUD/SPS after a slice).</summary>
    public static List<(byte[] Data, bool Key)> H264AccessUnits(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var units = new List<(byte[], bool)>();
        var remaining = (ReadOnlySpan<byte>)bytes;
        var current = new List<byte>();
        bool hasSlice = false, key = false;
        while (true)
        {
            var nal = H264Packetizer.NextNal(ref remaining);
            if (nal.IsEmpty)
            {
                break;
            }

            int type = nal[0] & 0x1F;
            bool slice = type is 1 or 5;
            bool firstSliceOfPicture = slice && nal.Length > 1 && (nal[1] & 0x80) != 0;
            if (hasSlice && (firstSliceOfPicture || type is >= 6 and <= 9))
            {
                units.Add((current.ToArray(), key));
                current.Clear();
                hasSlice = key = false;
            }

            current.AddRange(new byte[] { 0, 0, 0, 1 });
            current.AddRange(nal.ToArray());
            hasSlice |= slice;
            key |= type == 5;
        }

        if (current.Count > 0)
        {
            units.Add((current.ToArray(), key));
        }

        return units;
    }

    public static List<(byte[] Data, bool Key)> Vp8Frames(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var frames = new List<(byte[], bool)>();
        int headerLength = BitConverter.ToUInt16(bytes, 6);
        for (int offset = headerLength; offset + 12 <= bytes.Length;)
        {
            int size = BitConverter.ToInt32(bytes, offset);
            var frame = bytes.AsSpan(offset + 12, size).ToArray();
            frames.Add((frame, (frame[0] & 0x01) == 0));
            offset += 12 + size;
        }

        return frames;
    }

    /// <summary>One second of 20 ms Opus packets of a 440 Hz tone (a whole number of cycles, so it loops seamlessly).</summary>
    public static List<byte[]> OpusTone()
    {
        using var encoder = new OpusEncoder(48_000, 1);
        var pcm = new short[960];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        var packets = new List<byte[]>();
        for (int frame = 0; frame < 50; frame++)
        {
            for (int i = 0; i < pcm.Length; i++)
            {
                pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (frame * 960 + i) / 48_000.0));
            }

            int length = encoder.Encode(pcm, packet);
            packets.Add(packet[..length]);
        }

        return packets;
    }
}
