using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

public class WhisperFeatureExtractorTests
{
    // Must match tools/whisper_logmel_reference.py (reference_signal, FRAMES_STORED).
    private const int StoredFrames = 260;
    private const double SignalSeconds = 2.5;

    [Fact]
    public void MatchesTheNumpyReferenceWithin1e3()
    {
        var golden = ReadGolden();
        var extractor = new WhisperFeatureExtractor(80);
        var features = new float[extractor.FeatureLength];

        extractor.Compute(ReferenceSignal(), features);

        var worst = 0.0;
        for (var m = 0; m < 80; m++)
        {
            for (var t = 0; t < StoredFrames; t++)
            {
                worst = Math.Max(worst, Math.Abs(features[m * WhisperFeatureExtractor.Frames + t] - golden[m * StoredFrames + t]));
            }
        }

        Assert.True(worst < 1e-3, $"max |C# - numpy| = {worst}");
    }

    [Fact]
    public void PaddingFramesSitAtTheFloorEightDecadesBelowThePeak()
    {
        var extractor = new WhisperFeatureExtractor(80);
        var features = new float[extractor.FeatureLength];
        extractor.Compute(ReferenceSignal(), features);

        var max = features.Max();
        var floor = features.Min();
        Assert.Equal(max - 2f, floor, 3); // (x + 4) / 4 turns 8 decades into 2
        Assert.Equal(floor, features[5 * WhisperFeatureExtractor.Frames + 2999]);
        Assert.Equal(floor, features[79 * WhisperFeatureExtractor.Frames + 1000]);
    }

    [Fact]
    public void AudioLongerThan30SecondsIsTrimmed()
    {
        var extractor = new WhisperFeatureExtractor(80);
        var long31 = new float[31 * 16_000];
        var exact30 = new float[30 * 16_000];
        for (var i = 0; i < long31.Length; i++)
        {
            long31[i] = (float)Math.Sin(i * 0.05) * 0.3f;
            if (i < exact30.Length)
            {
                exact30[i] = long31[i];
            }
        }

        var a = new float[extractor.FeatureLength];
        var b = new float[extractor.FeatureLength];
        extractor.Compute(long31, a);
        extractor.Compute(exact30, b);

        Assert.Equal(b, a);
    }

    [Fact]
    public void TooSmallOutputBufferIsRejectedWithItsSize()
    {
        var extractor = new WhisperFeatureExtractor(128);
        var ex = Assert.Throws<ArgumentException>(() => extractor.Compute(new float[100], new float[80 * 3000]));
        Assert.Contains("128 x 3000", ex.Message);
    }

    internal static float[] ReferenceSignal()
    {
        var n = (int)(SignalSeconds * 16_000);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            var t = i / 16_000.0;
            var chirpPhase = 2 * Math.PI * (200 * t + 0.5 * 1200 * t * t);
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 3 * t);
            x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * envelope * Math.Sin(chirpPhase) + 0.05 * Math.Sin(2 * Math.PI * 3100 * t + 0.7));
        }

        return x;
    }

    private static float[] ReadGolden()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("logmel_golden.bin"));
        Assert.Equal(80 * StoredFrames * 4, bytes.Length);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
