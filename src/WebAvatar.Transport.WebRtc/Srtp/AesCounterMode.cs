using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>
/// AES in SRTP's counter mode (RFC 3711 §4.1.1): the block counter is added into the low 16 bits of the IV.
/// Runs ECB through one reusable <see cref="ICryptoTransform"/> and scratch buffer, so per-packet use does not
/// allocate. Not thread-safe (owned by one <see cref="SrtpContext"/>).
/// </summary>
public sealed class AesCounterMode : IDisposable
{
    private const int Block = 16;
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private byte[] _counters = new byte[2048];
    private byte[] _keystream = new byte[2048];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>Writes keystream for <paramref name="output"/>.Length bytes starting at block 0.</summary>
    public void Keystream(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Xor(iv, output);
    }

    /// <summary>XORs the keystream into <paramref name="data"/> in place (encrypts or decrypts).</summary>
    public void Xor(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (iv.Length != Block)
        {
            throw new ArgumentException("AES-CM IV must be 16 bytes.", nameof(iv));
        }

        int blocks = (data.Length + Block - 1) / Block;
        if (blocks > 0x10000)
        {
            throw new ArgumentException("AES-CM data exceeds 2^16 blocks.", nameof(data));
        }

        int bytes = blocks * Block;
        if (bytes > _counters.Length)
        {
            _counters = new byte[bytes];
            _keystream = new byte[bytes];
        }

        for (int b = 0; b < blocks; b++)
        {
            var counter = _counters.AsSpan(b * Block, Block);
            iv.CopyTo(counter);
            // SRTP IVs have zero low 16 bits, so adding the block index never carries further.
            int low = ((iv[14] << 8) | iv[15]) + b;
            counter[14] = (byte)(low >> 8);
            counter[15] = (byte)low;
        }

        if (bytes > 0)
        {
            _ecb.TransformBlock(_counters, 0, bytes, _keystream, 0);
        }

        XorInto(data, _keystream);
    }

    private static void XorInto(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var dataVectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            var keyVectors = MemoryMarshal.Cast<byte, Vector<byte>>(keystream[..data.Length]);
            for (int v = 0; v < dataVectors.Length; v++)
            {
                dataVectors[v] ^= keyVectors[v];
            }

            i = dataVectors.Length * Vector<byte>.Count;
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
