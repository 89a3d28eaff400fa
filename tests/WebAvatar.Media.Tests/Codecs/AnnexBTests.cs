using System.Buffers;
using WebAvatar.Media.Codecs.H264;

namespace WebAvatar.Media.Tests.Codecs;

public class AnnexBTests
{
    [Fact]
    public void Splits_on_three_and_four_byte_start_codes_and_converts_to_avcc()
    {
        byte[] stream = [0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1F, 0, 0, 1, 0x68, 0xCE, 0, 0, 0, 1, 0x65, 0x88, 0x84, 0, 0, 1, 0x06, 0x05];
        var nals = new List<(int Offset, int Length)>();
        AnnexB.Split(stream, nals);
        Assert.Equal(new[] { (4, 4), (11, 2), (17, 3), (23, 2) }, nals);
        Assert.Equal(new byte[] { 0x68, 0xCE }, AnnexB.Find(stream, AnnexB.NalPps).ToArray());

        var avcc = new ArrayBufferWriter<byte>();
        Assert.Equal(13, AnnexB.WriteAvcc(stream, avcc));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 0x65, 0x88, 0x84, 0, 0, 0, 2, 0x06, 0x05 }, avcc.WrittenSpan.ToArray());

        var record = AnnexB.DecoderConfigurationRecord(AnnexB.Find(stream, AnnexB.NalSps), AnnexB.Find(stream, AnnexB.NalPps));
        Assert.Equal(new byte[] { 1, 0x42, 0xC0, 0x1F, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1F, 1, 0, 2, 0x68, 0xCE }, record);
    }

    [Fact]
    public void Garbage_yields_no_units_and_bad_parameter_sets_are_refused()
    {
        var nals = new List<(int Offset, int Length)>();
        AnnexB.Split([1, 2, 3, 0, 0], nals);
        AnnexB.Split([0, 0, 1], nals);
        AnnexB.Split([], nals);
        Assert.Empty(nals);
        Assert.Throws<ArgumentException>(() => AnnexB.DecoderConfigurationRecord([0x68, 1, 2, 3], [0x68]));
        Assert.Throws<ArgumentException>(() => AnnexB.DecoderConfigurationRecord([0x67, 1, 2, 3], []));
    }
}
