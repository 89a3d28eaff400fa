namespace WebAvatar.Dsp.Tests;

public class AudioLevelTests
{
    [Fact]
    public void Rms_of_pcm_is_in_sample_units()
    {
        Assert.Equal(Math.Sqrt(12.5), AudioLevel.Rms([3, -4]), 12);
        Assert.Equal(32768, AudioLevel.Rms([short.MinValue, short.MinValue]), 12);
    }

    [Fact]
    public void A_window_past_the_samples_counts_the_rest_as_silence()
    {
        Assert.Equal(Math.Sqrt(2), AudioLevel.Rms([2, 2], 4), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioLevel.Rms([2, 2], 1));
    }

    [Fact]
    public void A_full_scale_sine_over_whole_periods_has_rms_one_over_root_two()
    {
        var sine = Enumerable.Range(0, 1600).Select(i => (float)Math.Sin(2 * Math.PI * 1000 * i / 16000.0)).ToArray();
        Assert.Equal(1 / Math.Sqrt(2), AudioLevel.Rms(sine), 6);
    }

    [Fact]
    public void Nothing_has_level_zero()
    {
        Assert.Equal(0, AudioLevel.Rms(ReadOnlySpan<short>.Empty));
        Assert.Equal(0, AudioLevel.Rms(ReadOnlySpan<float>.Empty));
        Assert.Equal(0, AudioLevel.Rms(ReadOnlySpan<short>.Empty, 0));
    }
}
