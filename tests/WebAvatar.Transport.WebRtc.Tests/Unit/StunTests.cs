using System.Net;
using System.Security.Cryptography;
using System.Text;
using WebAvatar.Transport.WebRtc.Ice;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class StunTests
{
    private static readonly byte[] Password = Encoding.ASCII.GetBytes("serverpassword0123456789ab");

    [Fact]
    public void ValidRequestIsAcceptedAndResponseCarriesMappedAddressIntegrityAndFingerprint()
    {
        var request = Request("srvU:ZwqB", Password, useCandidate: true);
        Assert.True(StunMessage.TryGetLocalUfrag(request, out var ufrag));
        Assert.Equal("srvU", Encoding.ASCII.GetString(ufrag));
        Assert.Equal(StunCheckResult.Valid, StunMessage.CheckBindingRequest(request, "srvU", Password, out bool useCandidate));
        Assert.True(useCandidate);

        foreach (var mapped in new[] { new IPEndPoint(IPAddress.Parse("192.0.2.7"), 54321), new IPEndPoint(IPAddress.Parse("2001:db8::5"), 40000) })
        {
            var response = new byte[StunMessage.MaxResponseLength];
            int length = StunMessage.WriteBindingSuccess(request, mapped, Password, response);
            var message = response.AsSpan(0, length);
            Assert.True(StunMessage.HasValidHeader(message));
            Assert.Equal(0x0101, (message[0] << 8) | message[1]);
            Assert.Equal(request.AsSpan(8, 12).ToArray(), message.Slice(8, 12).ToArray());
            Assert.Equal(mapped, StunMessage.ReadXorMappedAddress(message));
            Assert.True(StunMessage.VerifyIntegrity(message, Password));
            Assert.False(StunMessage.VerifyIntegrity(message, Encoding.ASCII.GetBytes("wrong-password-0123456789")));
            Assert.True(StunMessage.VerifyFingerprint(message));
        }
    }

    [Fact]
    public void FingerprintMatchesRfc5769SampleRequest()
    {
        // RFC 5769 §2.1 sample request (password "VOkJxbRl1RmTxUk/WvJxBt").
        var sample = Convert.FromHexString(
            "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
        Assert.True(StunMessage.VerifyFingerprint(sample));
        Assert.True(StunMessage.VerifyIntegrity(sample, Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt")));
        Assert.Equal(StunCheckResult.Valid, StunMessage.CheckBindingRequest(sample, "evtj", Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt"), out _));
    }

    [Fact]
    public void WrongUsernamePasswordOrCorruptionIsRejected()
    {
        Assert.Equal(StunCheckResult.WrongUsername, StunMessage.CheckBindingRequest(Request("other:ZwqB", Password), "srvU", Password, out _));
        Assert.Equal(StunCheckResult.WrongUsername, StunMessage.CheckBindingRequest(Request("srvUx:ZwqB", Password), "srvU", Password, out _));
        Assert.Equal(StunCheckResult.BadIntegrity, StunMessage.CheckBindingRequest(Request("srvU:ZwqB", Encoding.ASCII.GetBytes("not-the-right-password-00")), "srvU", Password, out _));
        var corrupt = Request("srvU:ZwqB", Password);
        corrupt[30] ^= 0xFF;
        Assert.NotEqual(StunCheckResult.Valid, StunMessage.CheckBindingRequest(corrupt, "srvU", Password, out _));
    }

    [Fact]
    public void RandomAndTruncatedInputNeverThrows()
    {
        var random = new Random(11);
        var valid = Request("srvU:ZwqB", Password);
        for (int i = 0; i < 5000; i++)
        {
            byte[] data;
            if (i % 3 == 0)
            {
                data = valid[..random.Next(0, valid.Length)];
            }
            else
            {
                data = valid.ToArray();
                for (int k = 0; k < 1 + random.Next(4); k++)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }
            }

            StunMessage.TryGetLocalUfrag(data, out _);
            var result = StunMessage.CheckBindingRequest(data, "srvU", Password, out _);
            if (i % 3 == 0)
            {
                Assert.NotEqual(StunCheckResult.Valid, result);
            }
        }
    }

    [Fact]
    public void ControllingRequestCarriesItsTieBreakerAndOnlyItsOwnResponseAnswersIt()
    {
        var transaction = RandomNumberGenerator.GetBytes(12);
        var buffer = new byte[256];
        int length = StunMessage.WriteBindingRequest(transaction, "srvU:ZwqB", Password, useCandidate: true, buffer, controllingTieBreaker: 0x0123456789ABCDEF);
        var request = buffer[..length];

        // RFC 8445 7.1.1: ICE-CONTROLLING (0x802A) holds the 64-bit tie-breaker, big-endian; the request stays valid for the server.
        var attributes = Attributes(request);
        Assert.Equal(Convert.FromHexString("0123456789ABCDEF"), attributes[StunMessage.AttrIceControlling]);
        Assert.Equal(StunCheckResult.Valid, StunMessage.CheckBindingRequest(request, "srvU", Password, out bool useCandidate));
        Assert.True(useCandidate);
        Assert.True(StunMessage.VerifyIntegrity(request, Password));
        Assert.True(StunMessage.VerifyFingerprint(request));
        Assert.DoesNotContain(StunMessage.AttrIceControlling, Attributes(Request("srvU:ZwqB", Password)).Keys);

        var response = new byte[StunMessage.MaxResponseLength];
        int responseLength = StunMessage.WriteBindingSuccess(request, new IPEndPoint(IPAddress.Loopback, 5000), Password, response);
        Assert.True(StunMessage.IsBindingSuccessFor(response.AsSpan(0, responseLength), transaction));
        Assert.False(StunMessage.IsBindingSuccessFor(response.AsSpan(0, responseLength), RandomNumberGenerator.GetBytes(12)));
        Assert.False(StunMessage.IsBindingSuccessFor(request, transaction)); // a request is not its own answer
        Assert.False(StunMessage.IsBindingSuccessFor(response.AsSpan(0, 10), transaction));
    }

    /// <summary>The attributes of a STUN message by type (RFC 5389 15: type, length, value padded to 4 bytes).</summary>
    private static Dictionary<ushort, byte[]> Attributes(byte[] message)
    {
        var found = new Dictionary<ushort, byte[]>();
        for (int offset = 20; offset + 4 <= message.Length;)
        {
            ushort type = (ushort)((message[offset] << 8) | message[offset + 1]);
            int size = (message[offset + 2] << 8) | message[offset + 3];
            found[type] = message[(offset + 4)..(offset + 4 + size)];
            offset += 4 + ((size + 3) & ~3);
        }

        return found;
    }

    internal static byte[] Request(string username, byte[] password, bool useCandidate = false)
    {
        var buffer = new byte[256];
        int length = StunMessage.WriteBindingRequest(RandomNumberGenerator.GetBytes(12), username, password, useCandidate, buffer);
        return buffer[..length];
    }
}
