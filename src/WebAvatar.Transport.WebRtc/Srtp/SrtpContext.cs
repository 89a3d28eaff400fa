using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>
/// One direction of an SRTP/SRTCP session (RFC 3711 AES128_CM_HMAC_SHA1_80, RFC 7714 AEAD_AES_128_GCM).
/// Protects or unprotects packets in place in the caller's buffer, without allocating per packet.
/// Keeps the rollover counter per SSRC and, on receive, a replay window per SSRC.
/// Not thread-safe: the owner serialises calls (one sender lock, or the single receive thread).
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private const int CmTagLength = 10;
    private const int GcmTagLength = 16;
    private const int MaxTrackedSsrcs = 16;

    private readonly AesCounterMode _rtpAes;
    private readonly AesCounterMode _rtcpAes;
    private readonly AesGcm? _rtpGcm;
    private readonly AesGcm? _rtcpGcm;
    private readonly IncrementalHash? _rtpAuth;
    private readonly IncrementalHash? _rtcpAuth;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly Dictionary<uint, SsrcState> _streams = new();
    private readonly Dictionary<uint, ReplayWindow> _rtcpWindows = new();
    private uint _rtcpSendIndex;

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(profile, DeriveSessionKeys(profile, masterKey, masterSalt))
    {
    }

    private SrtpContext(SrtpProfile profile, SessionKeys keys)
    {
        Profile = profile;
        _rtpAes = new AesCounterMode(keys.RtpKey);
        _rtcpAes = new AesCounterMode(keys.RtcpKey);
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
        if (profile == SrtpProfile.AeadAes128Gcm)
        {
            _rtpGcm = new AesGcm(keys.RtpKey, GcmTagLength);
            _rtcpGcm = new AesGcm(keys.RtcpKey, GcmTagLength);
        }
        else
        {
            _rtpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtpAuthKey!);
            _rtcpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtcpAuthKey!);
        }
    }

    /// <summary>Builds a context from already-derived session keys (RFC 7714's vectors are given that way).</summary>
    internal static SrtpContext FromSessionKeys(SrtpProfile profile, byte[] key, byte[] salt, byte[]? authKey) =>
        new(profile, new SessionKeys(key, salt, authKey, key, salt, authKey));

    public SrtpProfile Profile { get; }

    /// <summary>
    /// Encrypts and authenticates the RTP packet in <paramref name="buffer"/>[..<paramref name="length"/>] in place.
    /// The buffer needs <see cref="SrtpProfileExtensions.RtpOverhead"/> spare bytes. Returns the SRTP length.
    /// </summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        int header = RtpHeaderLength(buffer[..length]);
        if (header < 0)
        {
            throw new ArgumentException("Not a valid RTP packet.", nameof(buffer));
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        ulong index = NextSendIndex(ssrc, seq);
        uint roc = (uint)(index >> 16);
        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(_rtpSalt, ssrc, index, nonce);
            var payload = buffer[header..length];
            _rtpGcm.Encrypt(nonce, payload, payload, buffer.Slice(length, GcmTagLength), buffer[..header]);
            return length + GcmTagLength;
        }

        Span<byte> iv = stackalloc byte[16];
        CmIv(_rtpSalt, ssrc, index, iv);
        _rtpAes.Xor(iv, buffer[header..length]);
        WriteCmTag(_rtpAuth!, buffer[..length], roc, buffer.Slice(length, CmTagLength));
        return length + CmTagLength;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet in place. Returns the RTP length, or -1 when the packet
    /// is malformed, fails authentication or is a replay (such packets are dropped, never thrown).
    /// </summary>
    public int UnprotectRtp(Span<byte> buffer, int length)
    {
        int tag = Profile.RtpOverhead();
        if (length < 12 + tag)
        {
            return -1;
        }

        int header = RtpHeaderLength(buffer[..(length - tag)]);
        if (header < 0)
        {
            return -1;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        _streams.TryGetValue(ssrc, out var state);
        if (state is null && _streams.Count >= MaxTrackedSsrcs)
        {
            return -1;
        }

        ulong index = EstimateReceiveIndex(state, seq);
        if (state is not null && !state.Window.IsAcceptable(index))
        {
            return -1;
        }

        uint roc = (uint)(index >> 16);
        int plainLength = length - tag;
        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(_rtpSalt, ssrc, index, nonce);
            var payload = buffer[header..plainLength];
            try
            {
                _rtpGcm.Decrypt(nonce, payload, buffer.Slice(plainLength, GcmTagLength), payload, buffer[..header]);
            }
            catch (AuthenticationTagMismatchException)
            {
                return -1;
            }
        }
        else
        {
            Span<byte> expected = stackalloc byte[CmTagLength];
            WriteCmTag(_rtpAuth!, buffer[..plainLength], roc, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(plainLength, CmTagLength)))
            {
                return -1;
            }

            Span<byte> iv = stackalloc byte[16];
            CmIv(_rtpSalt, ssrc, index, iv);
            _rtpAes.Xor(iv, buffer[header..plainLength]);
        }

        state ??= _streams[ssrc] = new SsrcState();
        state.Window.Accept(index);
        return plainLength;
    }

    /// <summary>Protects a compound RTCP packet in place; the buffer needs <see cref="SrtpProfileExtensions.RtcpOverhead"/> spare bytes.</summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < 8)
        {
            throw new ArgumentException("RTCP packet shorter than its header.", nameof(buffer));
        }

        uint index = _rtcpSendIndex = (_rtcpSendIndex + 1) & 0x7FFFFFFF;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        uint eIndex = 0x80000000 | index;
        if (_rtcpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtcpNonce(_rtcpSalt, ssrc, index, nonce);
            Span<byte> aad = stackalloc byte[12];
            buffer[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], eIndex);
            var body = buffer[8..length];
            _rtcpGcm.Encrypt(nonce, body, body, buffer.Slice(length, GcmTagLength), aad);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + GcmTagLength)..], eIndex);
            return length + GcmTagLength + 4;
        }

        Span<byte> iv = stackalloc byte[16];
        CmIv(_rtcpSalt, ssrc, index, iv);
        _rtcpAes.Xor(iv, buffer[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], eIndex);
        WriteRtcpCmTag(buffer[..(length + 4)], buffer.Slice(length + 4, CmTagLength));
        return length + 4 + CmTagLength;
    }

    /// <summary>Unprotects an SRTCP packet in place; returns the RTCP length or -1 (malformed, forged, replayed).</summary>
    public int UnprotectRtcp(Span<byte> buffer, int length)
    {
        int overhead = Profile.RtcpOverhead();
        if (length < 8 + overhead)
        {
            return -1;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        int eIndexOffset = _rtcpGcm is not null ? length - 4 : length - CmTagLength - 4;
        uint eIndex = BinaryPrimitives.ReadUInt32BigEndian(buffer[eIndexOffset..]);
        uint index = eIndex & 0x7FFFFFFF;
        bool encrypted = (eIndex & 0x80000000) != 0;
        _rtcpWindows.TryGetValue(ssrc, out var window);
        if (!window.IsAcceptable(index) || (!window.Initialised && _rtcpWindows.Count >= MaxTrackedSsrcs))
        {
            return -1;
        }

        int plainLength;
        if (_rtcpGcm is not null)
        {
            plainLength = length - overhead;
            Span<byte> nonce = stackalloc byte[12];
            GcmRtcpNonce(_rtcpSalt, ssrc, index, nonce);
            Span<byte> aad = stackalloc byte[12];
            buffer[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], eIndex);
            if (!encrypted)
            {
                return -1;
            }

            var body = buffer[8..plainLength];
            try
            {
                _rtcpGcm.Decrypt(nonce, body, buffer.Slice(plainLength, GcmTagLength), body, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                return -1;
            }
        }
        else
        {
            plainLength = eIndexOffset;
            Span<byte> expected = stackalloc byte[CmTagLength];
            WriteRtcpCmTag(buffer[..(eIndexOffset + 4)], expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(eIndexOffset + 4, CmTagLength)))
            {
                return -1;
            }

            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                CmIv(_rtcpSalt, ssrc, index, iv);
                _rtcpAes.Xor(iv, buffer[8..plainLength]);
            }
        }

        window.Accept(index);
        _rtcpWindows[ssrc] = window;
        return plainLength;
    }

    public void Dispose()
    {
        _rtpAes.Dispose();
        _rtcpAes.Dispose();
        _rtpGcm?.Dispose();
        _rtcpGcm?.Dispose();
        _rtpAuth?.Dispose();
        _rtcpAuth?.Dispose();
    }

    /// <summary>Header length including CSRCs and extension, or -1 if the packet is not RTP v2 or is truncated.</summary>
    internal static int RtpHeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return -1;
        }

        int length = 12 + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return -1;
            }

            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }

        return length <= packet.Length ? length : -1;
    }

    private ulong NextSendIndex(uint ssrc, ushort seq)
    {
        if (!_streams.TryGetValue(ssrc, out var state))
        {
            state = _streams[ssrc] = new SsrcState { LastSequence = seq };
            return seq;
        }

        // A sender's sequence only moves forward, except retransmissions which reuse an older number.
        int delta = seq - state.LastSequence;
        if (delta < -32768)
        {
            state.Roc++;
            state.LastSequence = seq;
        }
        else if (delta > 32768)
        {
            return ((ulong)(state.Roc == 0 ? 0 : state.Roc - 1) << 16) | seq;
        }
        else if (delta > 0)
        {
            state.LastSequence = seq;
        }

        return ((ulong)state.Roc << 16) | seq;
    }

    private static ulong EstimateReceiveIndex(SsrcState? state, ushort seq)
    {
        // RFC 3711 Appendix A: pick the ROC that puts seq closest to the highest index seen.
        if (state is null || !state.Window.Initialised)
        {
            return seq;
        }

        ulong highest = state.Window.Highest;
        uint roc = (uint)(highest >> 16);
        ushort last = (ushort)highest;
        long guess;
        if (last < 32768)
        {
            guess = seq - last > 32768 && roc > 0 ? roc - 1L : roc;
        }
        else
        {
            guess = last - 32768 > seq ? roc + 1L : roc;
        }

        return ((ulong)guess << 16) | seq;
    }

    private static void CmIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (int i = 0; i < 6; i++)
        {
            iv[13 - i] ^= (byte)(index >> (8 * i));
        }
    }

    private static void GcmRtpNonce(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        for (int i = 0; i < 12; i++)
        {
            nonce[i] ^= salt[i];
        }
    }

    private static void GcmRtcpNonce(ReadOnlySpan<byte> salt, uint ssrc, uint index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
        for (int i = 0; i < 12; i++)
        {
            nonce[i] ^= salt[i];
        }
    }

    private static void WriteCmTag(IncrementalHash hmac, ReadOnlySpan<byte> authenticated, uint roc, Span<byte> tag)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        hmac.AppendData(authenticated);
        hmac.AppendData(rocBytes);
        Span<byte> full = stackalloc byte[20];
        hmac.GetHashAndReset(full);
        full[..CmTagLength].CopyTo(tag);
    }

    private void WriteRtcpCmTag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        _rtcpAuth!.AppendData(authenticated);
        Span<byte> full = stackalloc byte[20];
        _rtcpAuth.GetHashAndReset(full);
        full[..CmTagLength].CopyTo(tag);
    }

    private static SessionKeys DeriveSessionKeys(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != profile.MasterKeyLength() || masterSalt.Length != profile.MasterSaltLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.MasterKeyLength()}-byte master key and a {profile.MasterSaltLength()}-byte salt.");
        }

        int saltLength = profile.MasterSaltLength();
        bool cm = profile == SrtpProfile.Aes128CmHmacSha1_80;
        return new SessionKeys(
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpCipher, 16),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpSalt, saltLength),
            cm ? SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpAuth, 20) : null,
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtcpCipher, 16),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtcpSalt, saltLength),
            cm ? SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtcpAuth, 20) : null);
    }

    private sealed record SessionKeys(byte[] RtpKey, byte[] RtpSalt, byte[]? RtpAuthKey, byte[] RtcpKey, byte[] RtcpSalt, byte[]? RtcpAuthKey);

    private sealed class SsrcState
    {
        public uint Roc;
        public ushort LastSequence;
        public ReplayWindow Window;
    }
}
