using System.Globalization;
using WebAvatar.LipSync.Wav2Lip;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

public class Wav2LipMelSpectrogramTests
{
    /// <summary>The signal of tools/wav2lip_mel_reference.py, bit for bit (int16 after rounding).</summary>
    private static short[] ReferenceSignal()
    {
        int n = (int)(1.3 * 16000);
        var pcm = new short[n];
        uint state = 12345;
        for (int i = 0; i < n; i++)
        {
            double t = i / 16000.0;
            double chirp = Math.Sin(2 * Math.PI * (100 * t + 0.5 * 1500 * t * t));
            double tones = 0.5 * Math.Sin(2 * Math.PI * 440 * t) + 0.25 * Math.Sin(2 * Math.PI * 3000 * t);
            state = unchecked(state * 1103515245u + 12345u);
            double noise = ((state >> 16) & 0x7FFF) / 32767.0 - 0.5;
            double x = 0.3 * chirp + 0.3 * tones + 0.1 * noise;
            double envelope = t < 0.2 ? 0.0 : 1.0;
            pcm[i] = (short)Math.Round(x * envelope * 32767 * 0.8, MidpointRounding.ToEven);
        }

        return pcm;
    }

    [Fact]
    public void Matches_the_numpy_golden_mel_within_1e3()
    {
        var lines = File.ReadAllLines(Path.Combine(Wav2LipTestAssets.RepoRoot, "tests", "WebAvatar.LipSync.Tests", "Wav2Lip", "Fixtures", "mel_golden.txt"));
        var header = lines[0].Split(' ').Select(int.Parse).ToArray();
        var mel = Wav2LipMelSpectrogram.Compute(ReferenceSignal());

        Assert.Equal(Wav2LipMelSpectrogram.Bands, header[0]);
        Assert.Equal(header[1], mel.Frames);
        double worst = 0;
        for (int band = 0; band < header[0]; band++)
        {
            var row = lines[band + 1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int frame = 0; frame < header[1]; frame++)
            {
                worst = Math.Max(worst, Math.Abs(row[frame] - mel[band, frame]));
            }
        }

        Assert.True(worst < 1e-3, $"largest difference from the golden mel: {worst}");
    }

    [Fact]
    public void Silence_is_the_floor_value()
    {
        var mel = Wav2LipMelSpectrogram.Compute(new short[3200]);
        Assert.All(mel.Data, v => Assert.Equal(-4f, v));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(2, 6)]
    [InlineData(5, 16)]
    [InlineData(7, 22)]
    [InlineData(24, 76)]
    [InlineData(25, 80)]
    [InlineData(1001, 3203)]
    public void Video_frame_i_starts_at_int_i_times_80_over_25(int videoFrame, int melFrame) =>
        Assert.Equal(melFrame, Wav2LipMelSpectrogram.WindowStart(videoFrame));

    [Fact]
    public void Every_video_frame_of_a_clip_gets_a_full_window_padded_with_the_last_mel_frame()
    {
        var samples = Wav2LipTestAssets.Speechlike(1.01); // 16160 samples: 26 video frames, 81 mel frames
        var mel = Wav2LipMelSpectrogram.Compute(samples);
        int videoFrames = MediaTiming.FramesForSamples(samples.Length);
        Assert.Equal(26, videoFrames);
        Assert.Equal(1 + samples.Length / 200, mel.Frames);

        var window = new float[80 * 16];
        mel.CopyWindow(videoFrames - 1, window); // starts at mel frame 80 of 81: 15 padded columns
        for (int band = 0; band < 80; band++)
        {
            for (int t = 0; t < 16; t++)
            {
                Assert.Equal(mel[band, Math.Min(80 + t, mel.Frames - 1)], window[band * 16 + t]);
            }
        }

        mel.CopyWindow(3, window);
        Assert.Equal(mel[10, 9], window[10 * 16]);
        Assert.Equal(mel[10, 24], window[10 * 16 + 15]);
    }

    [Fact]
    public void Empty_audio_is_rejected_with_a_clear_message()
    {
        var e = Assert.Throws<ArgumentException>(() => Wav2LipMelSpectrogram.Compute([]));
        Assert.Contains("empty audio", e.Message);
    }
}
