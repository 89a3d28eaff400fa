using System.Runtime.CompilerServices;

namespace WebAvatar.Dsp;

/// <summary>
/// One frame at a time of a centred STFT (librosa/torch semantics): frames cut from the reflect-padded signal, a periodic
/// Hann window, the mixed-radix FFT, the spectrum of bins 0..N/2. Immutable after construction, so thread-safe.
/// </summary>
public sealed class ShortTimeFourierTransform
{
    private readonly double[] _window;
    private readonly MixedRadixFft _fft;

    public ShortTimeFourierTransform(int fftSize)
    {
        _fft = new MixedRadixFft(fftSize);
        _window = HannWindow.Periodic(fftSize);
    }

    public int FftSize => _fft.Length;

    /// <summary>Spectrum bins of one frame: FftSize / 2 + 1.</summary>
    public int Bins => FftSize / 2 + 1;

    /// <summary>
    /// Copies the FftSize samples from <paramref name="start"/> (negative near the beginning of a centred STFT) of
    /// <paramref name="signal"/> zero-extended to <paramref name="paddedLength"/> and reflected at both ends of that
    /// length (numpy.pad mode="reflect": the edge sample is not repeated). Returns whether any copied sample is non-zero.
    /// </summary>
    public bool FillFrame(ReadOnlySpan<float> signal, int paddedLength, int start, Span<double> frame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paddedLength, Math.Max(1, signal.Length));
        var any = false;
        for (var n = 0; n < FftSize; n++)
        {
            var i = Reflect(start + n, paddedLength);
            var s = i < signal.Length ? signal[i] : 0f;
            frame[n] = s;
            any |= s != 0f;
        }

        return any;
    }

    /// <summary>Windows <paramref name="frame"/> in place and writes |X[k]|^2 of its FFT for k = 0..FftSize/2 into <paramref name="power"/>.</summary>
    [SkipLocalsInit] // Whisper runs 3000 frames per call: the scratch is overwritten, zeroing it is wasted time.
    public void PowerSpectrum(Span<double> frame, Span<double> power)
    {
        var n = FftSize;
        Span<double> imaginary = stackalloc double[n];
        Span<double> scratchRe = stackalloc double[n];
        Span<double> scratchIm = stackalloc double[n];
        for (var i = 0; i < n; i++)
        {
            frame[i] *= _window[i];
        }

        imaginary.Clear();
        _fft.Forward(frame, imaginary, scratchRe, scratchIm);
        for (var k = 0; k < Bins; k++)
        {
            power[k] = (frame[k] * frame[k]) + (imaginary[k] * imaginary[k]);
        }
    }

    private static int Reflect(int index, int length)
    {
        if (length == 1)
        {
            return 0;
        }

        var period = 2 * (length - 1);
        index = ((index % period) + period) % period;
        return index < length ? index : period - index;
    }
}
