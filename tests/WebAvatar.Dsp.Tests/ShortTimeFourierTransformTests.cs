namespace WebAvatar.Dsp.Tests;

public class ShortTimeFourierTransformTests
{
    [Theory]
    [InlineData(400, 10)]
    [InlineData(800, 37)]
    public void A_cosine_on_bin_k_puts_a_quarter_of_its_amplitude_times_n_there_and_an_eighth_beside_it(int n, int k)
    {
        const double amplitude = 0.5;
        var stft = new ShortTimeFourierTransform(n);
        var frame = Enumerable.Range(0, n).Select(i => amplitude * Math.Cos(2 * Math.PI * k * i / n)).ToArray();
        var power = new double[stft.Bins];

        stft.PowerSpectrum(frame, power);

        Assert.Equal(amplitude * n / 4, Math.Sqrt(power[k]), 9);
        Assert.Equal(amplitude * n / 8, Math.Sqrt(power[k - 1]), 9);
        Assert.Equal(amplitude * n / 8, Math.Sqrt(power[k + 1]), 9);
        Assert.All(power.Where((_, bin) => Math.Abs(bin - k) > 1), p => Assert.True(p < 1e-18, $"leak {p}"));
    }

    [Fact]
    public void Frames_before_the_start_mirror_the_signal_without_repeating_the_edge_sample()
    {
        var stft = new ShortTimeFourierTransform(8);
        var frame = new double[8];

        Assert.True(stft.FillFrame([1, 2, 3, 4, 5], 5, -3, frame));

        Assert.Equal([4, 3, 2, 1, 2, 3, 4, 5], frame);
    }

    [Fact]
    public void The_signal_is_zero_extended_to_the_padded_length_and_mirrored_at_its_end()
    {
        var stft = new ShortTimeFourierTransform(8);
        var frame = new double[8];

        Assert.True(stft.FillFrame([1, 2, 3], 5, -2, frame));
        Assert.Equal([3, 2, 1, 2, 3, 0, 0, 0], frame);

        Assert.True(stft.FillFrame([1, 2, 3], 5, 1, frame));
        Assert.Equal([2, 3, 0, 0, 0, 3, 2, 1], frame);
    }

    [Fact]
    public void A_frame_of_only_padding_reports_no_signal()
    {
        var stft = new ShortTimeFourierTransform(8);
        var frame = new double[8];

        Assert.False(stft.FillFrame([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 20, 4, frame));
        Assert.All(frame, v => Assert.Equal(0, v));
    }
}
