using WebAvatar.LipSync.Wav2Lip;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

public class Wav2LipMelAgainstNaiveDftTests
{
    [Fact]
    public void The_shared_fft_gives_the_mel_of_the_naive_dft_on_real_speech()
    {
        var (clip, _, _) = SpeechFixtures.SpokenClip("The quick brown fox jumps over the lazy dog.", 3, 3);

        var fft = Wav2LipMelSpectrogram.Compute(clip.Samples);
        var dft = LegacyWav2LipMel.Compute(clip.Samples);

        Assert.Equal(dft.Frames, fft.Frames);
        double worst = 0;
        for (int i = 0; i < dft.Data.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(dft.Data[i] - fft.Data[i]));
        }

        Assert.True(worst < 1e-4, $"largest difference between the naive DFT and the FFT mel: {worst}");
    }
}
