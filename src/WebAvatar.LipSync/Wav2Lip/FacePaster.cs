using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// Builds the model input from a face crop and pastes generated faces back. The paste blends with the feathered <see cref="BlendMask"/> of
/// the box size (normally loaded from the avatar cache), after
/// moving the generated patch's per-channel mean/std to those of the original mouth region (hides colour drift of the
/// 96 px output). Not thread-safe (scratch buffers); one per renderer.
/// </summary>
internal sealed class FacePaster
{
    private const float MinStdRatio = 0.7f, MaxStdRatio = 1.4f;
    private const int MaxCachedMasks = 64;

    private readonly IReadOnlyDictionary<(int Width, int Height), byte[]>? _storedMasks;
    private readonly Dictionary<(int W, int H), float[]> _masks = [];
    private byte[] _generated = [];
    private byte[] _resized = [];

    /// <param name="storedMasks">Blend masks by box size, as preprocessing stored them (<see cref="BlendMask"/>); null computes them.</param>
    public FacePaster(IReadOnlyDictionary<(int Width, int Height), byte[]>? storedMasks = null) => _storedMasks = storedMasks;

    /// <summary>Masks this paster had to compute because they were not stored.</summary>
    public int MasksComputed { get; private set; }

    /// <summary>Writes a [6,S,S] model input: the crop with its lower half zeroed, then the crop itself, scaled to [0, 1].</summary>
    public static void FillModelInput(ReadOnlySpan<byte> crop, int size, Span<float> destination)
    {
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            bool masked = y >= size / 2;
            for (int x = 0; x < size; x++)
            {
                int pixel = y * size + x;
                for (int c = 0; c < 3; c++)
                {
                    float value = crop[pixel * 3 + c] / 255f;
                    destination[c * plane + pixel] = masked ? 0f : value;
                    destination[(3 + c) * plane + pixel] = value;
                }
            }
        }
    }

    /// <summary>Blends the model output (planar BGR [3,S,S] in [0,1]) into <paramref name="frame"/> inside <paramref name="box"/>.</summary>
    public void Paste(Span<byte> frame, int width, FaceBox box, ReadOnlySpan<float> output, int size)
    {
        int w = box.Width, h = box.Height;
        EnsureCapacity(ref _generated, size * size * 3);
        EnsureCapacity(ref _resized, w * h * 3);
        int plane = size * size;
        for (int pixel = 0; pixel < plane; pixel++)
        {
            for (int c = 0; c < 3; c++)
            {
                _generated[pixel * 3 + c] = (byte)Math.Clamp(output[c * plane + pixel] * 255f + 0.5f, 0f, 255f);
            }
        }

        using (var generated = Mat.FromPixelData(size, size, MatType.CV_8UC3, _generated))
        using (var resized = Mat.FromPixelData(h, w, MatType.CV_8UC3, _resized))
        {
            Cv2.Resize(generated, resized, new Size(w, h), 0, 0, InterpolationFlags.Cubic);
        }

        var alpha = MaskFor(w, h);
        var (gain, offset) = ColourTransfer(frame, width, box, alpha);
        for (int y = 0; y < h; y++)
        {
            var row = frame.Slice(((box.Y1 + y) * width + box.X1) * 3, w * 3);
            for (int x = 0; x < w; x++)
            {
                float a = alpha[y * w + x];
                if (a <= 0f)
                {
                    continue;
                }

                for (int c = 0; c < 3; c++)
                {
                    int i = x * 3 + c;
                    float generatedValue = _resized[(y * w + x) * 3 + c] * gain[c] + offset[c];
                    row[i] = (byte)Math.Clamp(row[i] + a * (generatedValue - row[i]) + 0.5f, 0f, 255f);
                }
            }
        }
    }

    /// <summary>Per-channel gain/offset moving the generated mouth region's mean/std onto the original's.</summary>
    private (float[] Gain, float[] Offset) ColourTransfer(ReadOnlySpan<byte> frame, int width, FaceBox box, float[] alpha)
    {
        int w = box.Width, h = box.Height;
        Span<double> sumG = stackalloc double[3], sumG2 = stackalloc double[3], sumO = stackalloc double[3], sumO2 = stackalloc double[3];
        long n = 0;
        for (int y = 0; y < h; y++)
        {
            var row = frame.Slice(((box.Y1 + y) * width + box.X1) * 3, w * 3);
            for (int x = 0; x < w; x++)
            {
                if (alpha[y * w + x] < 0.5f)
                {
                    continue;
                }

                n++;
                for (int c = 0; c < 3; c++)
                {
                    double g = _resized[(y * w + x) * 3 + c], o = row[x * 3 + c];
                    sumG[c] += g;
                    sumG2[c] += g * g;
                    sumO[c] += o;
                    sumO2[c] += o * o;
                }
            }
        }

        var gain = new float[] { 1, 1, 1 };
        var offset = new float[3];
        if (n == 0)
        {
            return (gain, offset);
        }

        for (int c = 0; c < 3; c++)
        {
            double meanG = sumG[c] / n, meanO = sumO[c] / n;
            double stdG = Math.Sqrt(Math.Max(0, sumG2[c] / n - meanG * meanG));
            double stdO = Math.Sqrt(Math.Max(0, sumO2[c] / n - meanO * meanO));
            gain[c] = stdG < 1e-3 ? 1f : Math.Clamp((float)(stdO / stdG), MinStdRatio, MaxStdRatio);
            offset[c] = (float)(meanO - meanG * gain[c]);
        }

        return (gain, offset);
    }

    /// <summary>The stored mask of this box size; computed (and counted) only when the avatar cache lacks it.</summary>
    private float[] MaskFor(int w, int h)
    {
        if (_masks.TryGetValue((w, h), out var mask))
        {
            return mask;
        }

        if (_masks.Count >= MaxCachedMasks)
        {
            _masks.Clear();
        }

        if (_storedMasks is not null && _storedMasks.TryGetValue((w, h), out var stored))
        {
            mask = BlendMask.FromBytes(stored);
        }
        else
        {
            mask = BlendMask.Compute(w, h);
            MasksComputed++;
        }

        _masks[(w, h)] = mask;
        return mask;
    }

    private static void EnsureCapacity(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }
    }
}
