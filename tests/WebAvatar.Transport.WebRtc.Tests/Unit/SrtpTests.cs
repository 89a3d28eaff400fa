using System.Security.Cryptography;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class SrtpTests
{
    [Fact]
    public void KeyDerivationMatchesRfc3711AppendixB3()
    {
        var masterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
        var masterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Hex(SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpCipher, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Hex(SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpSalt, 14)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Hex(SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpAuth, 20)));
    }

    [Fact]
    public void CounterModeKeystreamMatchesRfc3711AppendixB2()
    {
        using var aes = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var keystream = new byte[16 * 3];
        aes.Keystream(iv, keystream);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Hex(keystream.AsSpan(0, 16)));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Hex(keystream.AsSpan(16, 16)));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Hex(keystream.AsSpan(32, 16)));
    }

    [Fact]
    public void GcmRtpMatchesRfc7714Section16()
    {
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var salt = Convert.FromHexString("517569642070726f2071756f");
        var plain = Convert.FromHexString("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e697320646976697361" + "20696e207061727465732074726573");
        var expected = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
        using var sender = SrtpContext.FromSessionKeys(SrtpProfile.AeadAes128Gcm, key, salt, null);
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);
        int length = sender.ProtectRtp(buffer, plain.Length);
        Assert.Equal(expected, Convert.ToHexString(buffer, 0, length).ToLowerInvariant());

        using var receiver = SrtpContext.FromSessionKeys(SrtpProfile.AeadAes128Gcm, key, salt, null);
        Assert.Equal(plain.Length, receiver.UnprotectRtp(buffer, length));
        Assert.Equal(plain, buffer[..plain.Length]);
    }

    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void RtpRoundTripsAcrossRolloverAndRejectsReplayAndTampering(SrtpProfile profile)
    {
        var (send, receive) = Pair(profile);
        using var _ = send;
        using var __ = receive;
        var buffer = new byte[300];
        ushort seq = 65530;
        for (int i = 0; i < 20; i++, seq++)
        {
            int length = WriteRtp(buffer, seq, i);
            var plain = buffer[..length];
            int protectedLength = send.ProtectRtp(buffer, length);
            Assert.NotEqual(plain.AsSpan(12).ToArray(), buffer.AsSpan(12, length - 12).ToArray());
            var copy = buffer[..protectedLength];
            Assert.Equal(length, receive.UnprotectRtp(buffer, protectedLength));
            Assert.Equal(plain, buffer[..length]);
            Assert.Equal(-1, receive.UnprotectRtp(copy, protectedLength)); // replay
        }

        int n = WriteRtp(buffer, seq, 99);
        int p = send.ProtectRtp(buffer, n);
        buffer[20] ^= 1;
        Assert.Equal(-1, receive.UnprotectRtp(buffer, p));
    }

    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void RtcpRoundTripsAndRejectsTampering(SrtpProfile profile)
    {
        var (send, receive) = Pair(profile);
        using var _ = send;
        using var __ = receive;
        var buffer = new byte[100];
        int length = WebAvatar.Transport.WebRtc.Rtcp.RtcpWriter.WriteSenderReport(buffer, 0x11223344, 0xAABBCCDD00112233, 12345, 10, 1000);
        var plain = buffer[..length];
        int p = send.ProtectRtcp(buffer, length);
        Assert.Equal(length + profile.RtcpOverhead(), p);
        var tampered = buffer[..p];
        tampered[10] ^= 0x80;
        Assert.Equal(-1, receive.UnprotectRtcp(tampered, p));
        Assert.Equal(length, receive.UnprotectRtcp(buffer, p));
        Assert.Equal(plain, buffer[..length]);
    }

    [Fact]
    public void KeyingMaterialSplitsClientAndServerKeys()
    {
        var material = RandomNumberGenerator.GetBytes(60);
        var (clientSend, clientReceive) = SrtpKeyingMaterial.CreateContexts(SrtpProfile.Aes128CmHmacSha1_80, material, weAreClient: true);
        var (serverSend, serverReceive) = SrtpKeyingMaterial.CreateContexts(SrtpProfile.Aes128CmHmacSha1_80, material, weAreClient: false);
        var buffer = new byte[300];
        int n = WriteRtp(buffer, 1, 1);
        int p = clientSend.ProtectRtp(buffer, n);
        Assert.Equal(n, serverReceive.UnprotectRtp(buffer, p));
        n = WriteRtp(buffer, 1, 2);
        p = serverSend.ProtectRtp(buffer, n);
        Assert.Equal(n, clientReceive.UnprotectRtp(buffer, p));
        Assert.Throws<ArgumentException>(() => SrtpKeyingMaterial.CreateContexts(SrtpProfile.AeadAes128Gcm, material, true));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        var (_, receive) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        var random = new Random(7);
        var buffer = new byte[1500];
        for (int i = 0; i < 2000; i++)
        {
            int length = random.Next(0, 200);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0 && i % 2 == 0)
            {
                buffer[0] = 0x80;
            }

            Assert.Equal(-1, receive.UnprotectRtp(buffer, length));
            Assert.Equal(-1, receive.UnprotectRtcp(buffer, length));
        }
    }

    internal static (SrtpContext Send, SrtpContext Receive) Pair(SrtpProfile profile)
    {
        var key = RandomNumberGenerator.GetBytes(profile.MasterKeyLength());
        var salt = RandomNumberGenerator.GetBytes(profile.MasterSaltLength());
        return (new SrtpContext(profile, key, salt), new SrtpContext(profile, key, salt));
    }

    private static int WriteRtp(byte[] buffer, ushort seq, int fill)
    {
        RtpHeader.Write(buffer, 96, false, seq, 1000u * seq, 0xCAFEBABE);
        for (int i = 12; i < 172; i++)
        {
            buffer[i] = (byte)(fill + i);
        }

        return 172;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}

public class SrtpAllocationTests
{
    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void ProtectAndUnprotectDoNotAllocatePerPacket(SrtpProfile profile)
    {
        var (send, receive) = SrtpTests.Pair(profile);
        var buffer = new byte[1300];
        ushort seq = 1;
        void RoundTrip()
        {
            RtpHeader.Write(buffer, 96, false, seq, seq * 3000u, 42);
            int p = send.ProtectRtp(buffer, 1200);
            if (receive.UnprotectRtp(buffer, p) != 1200)
            {
                throw new InvalidOperationException("round trip failed"); // not Assert.Equal: xUnit's comparer allocates
            }

            seq++;
        }

        for (int i = 0; i < 100; i++)
        {
            RoundTrip();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            RoundTrip();
        }

        long perPacket = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        Assert.True(perPacket == 0, $"{perPacket} bytes allocated per protect+unprotect");
    }
}
