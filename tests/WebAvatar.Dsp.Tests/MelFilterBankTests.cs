namespace WebAvatar.Dsp.Tests;

public class MelFilterBankTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(200, 3)]
    [InlineData(1000, 15)]
    [InlineData(6400, 42)]
    public void The_slaney_scale_is_linear_below_1_khz_and_27_mels_per_factor_6_4_above(double hz, double mel)
    {
        Assert.Equal(mel, MelFilterBank.HzToMel(hz), 12);
        Assert.Equal(hz, MelFilterBank.MelToHz(mel), 9);
    }

    [Fact]
    public void Each_band_has_unit_area_in_hz_and_bands_cover_the_range_in_order()
    {
        const int fftSize = 400, rate = 16_000;
        var bank = new MelFilterBank(80, fftSize, rate, 0, 8000);
        const double binHz = (double)rate / fftSize;

        Assert.Equal(80, bank.Bands);
        for (var band = 45; band < 80; band++)
        {
            // Wide bands (ten bins and more): the sampled triangle integrates to the Slaney normalisation's 1.
            Assert.InRange(bank.Weights[band].Sum() * binHz, 0.98, 1.02);
        }

        for (var band = 1; band < 80; band++)
        {
            Assert.True(bank.FirstBin[band] >= bank.FirstBin[band - 1]);
        }
    }

    [Fact]
    public void Apply_weights_the_bins_from_the_first_one_of_the_band()
    {
        var bank = new MelFilterBank(10, 64, 8000, 0, 4000);
        var spectrum = new double[33];
        const int band = 6;
        var first = bank.FirstBin[band];
        spectrum[first] = 2;
        spectrum[first + 1] = 3;

        Assert.Equal(2 * bank.Weights[band][0] + 3 * bank.Weights[band][1], bank.Apply(band, spectrum), 15);
    }
}
