using WebAvatar.Media.Codecs.Opus;

namespace WebAvatar.Media.Tests.Codecs;

public class OpusRoundTripTests
{
    [Fact]
    public void Encodes_20ms_frames_with_fec_and_decodes_back_to_a_similar_signal()
    {
        using var encoder = new OpusEncoder(48000, 1);
        using var decoder = new OpusDecoder(48000, 1);
        Assert.True(encoder.InbandFecEnabled);

        var packet = new byte[OpusEncoder.MaxPacketBytes];
        var decoded = new short[decoder.MaxFrameSamples];
        var frame = new short[960];
        double inEnergy = 0, outEnergy = 0;
        for (int f = 0; f < 50; f++)
        {
            for (int i = 0; i < 960; i++)
            {
                frame[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (f * 960 + i) / 48000.0));
            }

            int bytes = encoder.Encode(frame, packet);
            Assert.InRange(bytes, 1, OpusEncoder.MaxPacketBytes);
            int samples = decoder.Decode(packet.AsSpan(0, bytes), decoded);
            Assert.Equal(960, samples);
            if (f > 5)
            {
                inEnergy += frame.Sum(s => (double)s * s);
                outEnergy += decoded.Take(960).Sum(s => (double)s * s);
            }
        }

        Assert.InRange(outEnergy / inEnergy, 0.7, 1.3);
    }

    [Fact]
    public void Wrong_frame_size_and_garbage_packets_give_clear_errors()
    {
        using var encoder = new OpusEncoder();
        using var decoder = new OpusDecoder();
        var ex = Assert.Throws<ArgumentException>(() => encoder.Encode(new short[100], new byte[1500]));
        Assert.Contains("960", ex.Message);
        // A TOC byte announcing code 3 with an impossible frame count is invalid.
        Assert.Throws<OpusException>(() => decoder.Decode(new byte[] { 0xFF, 0x00 }, new short[5760]));
        // A lost packet is concealed, not an error.
        Assert.Equal(960, decoder.Decode(ReadOnlySpan<byte>.Empty, new short[5760], 960));
    }
}
