using System.Buffers;

namespace WebAvatar.Media;

/// <summary>
/// A packed BGR24 picture (OpenCV's native order) whose pixel buffer is rented from
/// <see cref="ArrayPool{T}.Shared"/>. Ownership: whoever holds the frame last must
/// <see cref="Dispose"/> it exactly once; after that the buffer belongs to the pool again.
/// </summary>
public sealed class VideoFrame : IDisposable
{
    private byte[]? _buffer;

    public VideoFrame(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(height, 0);
        Width = width;
        Height = height;
        _buffer = ArrayPool<byte>.Shared.Rent(width * height * 3);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>How the pixels are arranged; <see cref="VideoLayout.ColorAlphaSideBySide"/> frames are twice their picture's width.</summary>
    public VideoLayout Layout { get; set; }

    /// <summary>Bytes per row: rows are tightly packed.</summary>
    public int Stride => Width * 3;

    public int Length => Stride * Height;

    /// <summary>The pixels; valid only until <see cref="Dispose"/>.</summary>
    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(VideoFrame))).AsSpan(0, Length);

    /// <summary>The underlying array (longer than <see cref="Length"/>); for APIs that need an array.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(VideoFrame));

    public VideoFrame Clone()
    {
        var copy = new VideoFrame(Width, Height) { Layout = Layout };
        Pixels.CopyTo(copy.Pixels);
        return copy;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
