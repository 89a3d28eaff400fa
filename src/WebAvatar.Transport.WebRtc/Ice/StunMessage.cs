using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace WebAvatar.Transport.WebRtc.Ice;

/// <summary>Outcome of checking a STUN binding request against our ICE credentials.</summary>
public enum StunCheckResult
{
    Valid,
    Malformed,
    NotBindingRequest,
    WrongUsername,
    MissingIntegrity,
    BadIntegrity,
    BadFingerprint,
}

/// <summary>
/// The subset of STUN (RFC 5389/8489) an ICE-lite agent needs: read and verify binding requests,
/// write binding success responses. Everything works on spans; malformed input returns a result, never throws.
/// </summary>
public static class StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccess = 0x0101;
    public const ushort AttrUsername = 0x0006;
    public const ushort AttrMessageIntegrity = 0x0008;
    public const ushort AttrXorMappedAddress = 0x0020;
    public const ushort AttrPriority = 0x0024;
    public const ushort AttrUseCandidate = 0x0025;
    public const ushort AttrFingerprint = 0x8028;
    public const ushort AttrIceControlling = 0x802A;
    private const uint FingerprintXor = 0x5354554E;

    /// <summary>Largest response <see cref="WriteBindingSuccess"/> produces (IPv6 mapped address).</summary>
    public const int MaxResponseLength = HeaderLength + 24 + 24 + 8;

    /// <summary>True when the datagram has a well-formed STUN header whose length matches the datagram.</summary>
    public static bool HasValidHeader(ReadOnlySpan<byte> message) =>
        message.Length >= HeaderLength
        && (message[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(message[4..]) == MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(message[2..]) + HeaderLength == message.Length
        && message.Length % 4 == 0;

    /// <summary>Finds the local ufrag in USERNAME ("local:remote"), so the transport can route the check.</summary>
    public static bool TryGetLocalUfrag(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> localUfrag)
    {
        localUfrag = default;
        if (!HasValidHeader(message) || !TryFindAttribute(message, AttrUsername, out var username, out _))
        {
            return false;
        }

        int colon = username.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        localUfrag = username[..colon];
        return true;
    }

    /// <summary>Verifies a binding request: type, USERNAME prefix, MESSAGE-INTEGRITY with our password, FINGERPRINT if present.</summary>
    public static StunCheckResult CheckBindingRequest(ReadOnlySpan<byte> message, string localUfrag, ReadOnlySpan<byte> localPassword, out bool useCandidate)
    {
        useCandidate = false;
        if (!HasValidHeader(message))
        {
            return StunCheckResult.Malformed;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(message) != BindingRequest)
        {
            return StunCheckResult.NotBindingRequest;
        }

        int integrityOffset = -1;
        int fingerprintOffset = -1;
        bool usernameOk = false;
        int offset = HeaderLength;
        while (offset < message.Length)
        {
            if (offset + 4 > message.Length)
            {
                return StunCheckResult.Malformed;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            if (offset + 4 + length > message.Length)
            {
                return StunCheckResult.Malformed;
            }

            var value = message.Slice(offset + 4, length);
            if (integrityOffset >= 0 && type != AttrFingerprint)
            {
                // Only FINGERPRINT may follow MESSAGE-INTEGRITY.
                return StunCheckResult.Malformed;
            }

            switch (type)
            {
                case AttrUsername:
                    usernameOk = value.Length > localUfrag.Length
                        && value[localUfrag.Length] == (byte)':'
                        && Encoding.UTF8.GetByteCount(localUfrag) == localUfrag.Length
                        && Ascii.Equals(value[..localUfrag.Length], localUfrag);
                    break;
                case AttrUseCandidate:
                    useCandidate = true;
                    break;
                case AttrMessageIntegrity:
                    if (length != 20)
                    {
                        return StunCheckResult.Malformed;
                    }

                    integrityOffset = offset;
                    break;
                case AttrFingerprint:
                    if (length != 4)
                    {
                        return StunCheckResult.Malformed;
                    }

                    fingerprintOffset = offset;
                    break;
            }

            offset += 4 + ((length + 3) & ~3);
        }

        if (fingerprintOffset >= 0 && !FingerprintMatches(message, fingerprintOffset))
        {
            return StunCheckResult.BadFingerprint;
        }

        if (!usernameOk)
        {
            return StunCheckResult.WrongUsername;
        }

        if (integrityOffset < 0)
        {
            return StunCheckResult.MissingIntegrity;
        }

        return IntegrityMatches(message, integrityOffset, localPassword) ? StunCheckResult.Valid : StunCheckResult.BadIntegrity;
    }

    /// <summary>
    /// Writes a binding success response to <paramref name="request"/> with XOR-MAPPED-ADDRESS of <paramref name="mapped"/>,
    /// MESSAGE-INTEGRITY (keyed by our ICE password) and FINGERPRINT. Returns the length written.
    /// </summary>
    public static int WriteBindingSuccess(ReadOnlySpan<byte> request, IPEndPoint mapped, ReadOnlySpan<byte> localPassword, Span<byte> destination)
    {
        if (request.Length < HeaderLength)
        {
            throw new ArgumentException("Request shorter than a STUN header.", nameof(request));
        }

        var writer = new Writer(destination, BindingSuccess, request.Slice(8, 12));
        writer.WriteXorMappedAddress(mapped);
        writer.WriteIntegrity(localPassword);
        writer.WriteFingerprint();
        return writer.Length;
    }

    /// <summary>
    /// Writes a binding request as a controlling ICE agent would (tests, diagnostics and the load client use it);
    /// ICE-CONTROLLING is added when <paramref name="controllingTieBreaker"/> is given.
    /// </summary>
    public static int WriteBindingRequest(
        ReadOnlySpan<byte> transactionId,
        string username,
        ReadOnlySpan<byte> remotePassword,
        bool useCandidate,
        Span<byte> destination,
        ulong? controllingTieBreaker = null)
    {
        var writer = new Writer(destination, BindingRequest, transactionId);
        writer.WriteAttribute(AttrUsername, Encoding.UTF8.GetBytes(username));
        Span<byte> priority = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(priority, 0x6E7F1EFF);
        writer.WriteAttribute(AttrPriority, priority);
        if (controllingTieBreaker is { } tieBreaker)
        {
            Span<byte> value = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(value, tieBreaker);
            writer.WriteAttribute(AttrIceControlling, value);
        }

        if (useCandidate)
        {
            writer.WriteAttribute(AttrUseCandidate, ReadOnlySpan<byte>.Empty);
        }

        writer.WriteIntegrity(remotePassword);
        writer.WriteFingerprint();
        return writer.Length;
    }

    /// <summary>Reads XOR-MAPPED-ADDRESS from a response (tests use it).</summary>
    public static IPEndPoint? ReadXorMappedAddress(ReadOnlySpan<byte> message)
    {
        if (!HasValidHeader(message) || !TryFindAttribute(message, AttrXorMappedAddress, out var value, out _) || value.Length < 8)
        {
            return null;
        }

        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ 0x2112;
        int addressLength = value[1] == 0x01 ? 4 : 16;
        if (value.Length < 4 + addressLength)
        {
            return null;
        }

        Span<byte> address = stackalloc byte[addressLength];
        for (int i = 0; i < addressLength; i++)
        {
            address[i] = (byte)(value[4 + i] ^ message[4 + i]);
        }

        return new IPEndPoint(new IPAddress(address), port);
    }

    /// <summary>True for a binding success response whose transaction id is <paramref name="transactionId"/>.</summary>
    public static bool IsBindingSuccessFor(ReadOnlySpan<byte> message, ReadOnlySpan<byte> transactionId) =>
        HasValidHeader(message)
        && BinaryPrimitives.ReadUInt16BigEndian(message) == BindingSuccess
        && message.Slice(8, 12).SequenceEqual(transactionId);

    /// <summary>Checks MESSAGE-INTEGRITY of any STUN message (responses included).</summary>
    public static bool VerifyIntegrity(ReadOnlySpan<byte> message, ReadOnlySpan<byte> password) =>
        HasValidHeader(message) && TryFindAttribute(message, AttrMessageIntegrity, out _, out int offset) && IntegrityMatches(message, offset, password);

    /// <summary>Checks FINGERPRINT of any STUN message.</summary>
    public static bool VerifyFingerprint(ReadOnlySpan<byte> message) =>
        HasValidHeader(message) && TryFindAttribute(message, AttrFingerprint, out _, out int offset) && FingerprintMatches(message, offset);

    private static bool TryFindAttribute(ReadOnlySpan<byte> message, ushort wanted, out ReadOnlySpan<byte> value, out int attributeOffset)
    {
        int offset = HeaderLength;
        while (offset + 4 <= message.Length)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            if (offset + 4 + length > message.Length)
            {
                break;
            }

            if (type == wanted)
            {
                value = message.Slice(offset + 4, length);
                attributeOffset = offset;
                return true;
            }

            offset += 4 + ((length + 3) & ~3);
        }

        value = default;
        attributeOffset = -1;
        return false;
    }

    private static bool IntegrityMatches(ReadOnlySpan<byte> message, int integrityOffset, ReadOnlySpan<byte> password)
    {
        // The HMAC covers the message up to MESSAGE-INTEGRITY with the length field pretending it ends right after it.
        Span<byte> header = stackalloc byte[HeaderLength];
        message[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(integrityOffset - HeaderLength + 24));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, password);
        hmac.AppendData(header);
        hmac.AppendData(message[HeaderLength..integrityOffset]);
        Span<byte> mac = stackalloc byte[20];
        hmac.GetHashAndReset(mac);
        return CryptographicOperations.FixedTimeEquals(mac, message.Slice(integrityOffset + 4, 20));
    }

    private static bool FingerprintMatches(ReadOnlySpan<byte> message, int fingerprintOffset)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        message[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(fingerprintOffset - HeaderLength + 8));
        uint crc = Crc32Over(header, message[HeaderLength..fingerprintOffset]);
        return (crc ^ FingerprintXor) == BinaryPrimitives.ReadUInt32BigEndian(message[(fingerprintOffset + 4)..]);
    }

    private static uint Crc32Over(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        Span<byte> joined = stackalloc byte[header.Length + body.Length];
        header.CopyTo(joined);
        body.CopyTo(joined[header.Length..]);
        return Crc32.Compute(joined);
    }

    private ref struct Writer
    {
        private readonly Span<byte> _buffer;

        public Writer(Span<byte> buffer, ushort type, ReadOnlySpan<byte> transactionId)
        {
            if (transactionId.Length != 12)
            {
                throw new ArgumentException("STUN transaction id is 12 bytes.", nameof(transactionId));
            }

            _buffer = buffer;
            BinaryPrimitives.WriteUInt16BigEndian(buffer, type);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], MagicCookie);
            transactionId.CopyTo(buffer[8..]);
            Length = HeaderLength;
            SetLength(Length);
        }

        public int Length { get; private set; }

        public void WriteAttribute(ushort type, scoped ReadOnlySpan<byte> value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Length..], type);
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Length + 2)..], (ushort)value.Length);
            value.CopyTo(_buffer[(Length + 4)..]);
            int padded = (value.Length + 3) & ~3;
            _buffer.Slice(Length + 4 + value.Length, padded - value.Length).Clear();
            Length += 4 + padded;
            SetLength(Length);
        }

        public void WriteXorMappedAddress(IPEndPoint endPoint)
        {
            var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
            bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
            Span<byte> value = stackalloc byte[v4 ? 8 : 20];
            value[0] = 0;
            value[1] = (byte)(v4 ? 0x01 : 0x02);
            BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(endPoint.Port ^ 0x2112));
            address.TryWriteBytes(value[4..], out _);
            for (int i = 4; i < value.Length; i++)
            {
                value[i] ^= _buffer[i]; // magic cookie then transaction id, which sit at the same offsets in the header
            }

            WriteAttribute(AttrXorMappedAddress, value);
        }

        public void WriteIntegrity(ReadOnlySpan<byte> password)
        {
            SetLength(Length + 24);
            Span<byte> mac = stackalloc byte[20];
            HMACSHA1.HashData(password, _buffer[..Length], mac);
            WriteAttribute(AttrMessageIntegrity, mac);
        }

        public void WriteFingerprint()
        {
            SetLength(Length + 8);
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.Compute(_buffer[..Length]) ^ FingerprintXor);
            WriteAttribute(AttrFingerprint, value);
        }

        private readonly void SetLength(int total) => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(total - HeaderLength));
    }
}
