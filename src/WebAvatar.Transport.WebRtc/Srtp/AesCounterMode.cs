using System.Buffers;
using System.Security.Cryptography;

namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>
/// AES in SRTP's counter mode (RFC 3711 §4.1.1): the block counter is added into the low 16 bits of the IV.
/// Built on ECB so it runs on .NET's AES without allocating per packet.
/// </summary>
public static class AesCounterMode
{
    private const int Block = 16;

    /// <summary>Writes keystream for <paramref name="output"/>.Length bytes starting at block 0.</summary>
    public static void Keystream(Aes aes, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Xor(aes, iv, output);
    }

    /// <summary>XORs the keystream into <paramref name="data"/> in place (encrypts or decrypts).</summary>
    public static void Xor(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
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
        byte[]? rented = null;
        Span<byte> counters = bytes <= 2048 ? stackalloc byte[bytes] : (rented = ArrayPool<byte>.Shared.Rent(bytes)).AsSpan(0, bytes);
        try
        {
            for (int b = 0; b < blocks; b++)
            {
                var counter = counters.Slice(b * Block, Block);
                iv.CopyTo(counter);
                int low = ((iv[14] << 8) | iv[15]) + b;
                counter[14] = (byte)(low >> 8);
                counter[15] = (byte)low;
                // The carry out of the low 16 bits never happens with SRTP IVs (their low 16 bits are zero).
            }

            aes.EncryptEcb(counters, counters, PaddingMode.None);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] ^= counters[i];
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
