using WebAvatar.Dsp;

namespace WebAvatar.Dsp.Tests;

public class MixedRadixFftTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(800)]
    [InlineData(8)]
    [InlineData(45)]
    [InlineData(7)]
    public void MatchesTheDefinitionOfTheDft(int n)
    {
        var random = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var (expectedRe, expectedIm) = NaiveDft(re, im);

        new MixedRadixFft(n).Forward(re, im, new double[n], new double[n]);

        for (var k = 0; k < n; k++)
        {
            Assert.Equal(expectedRe[k], re[k], 9);
            Assert.Equal(expectedIm[k], im[k], 9);
        }
    }

    [Fact]
    public void RejectsLengthsWithLargePrimeFactors()
    {
        Assert.Contains("11", Assert.Throws<ArgumentException>(() => new MixedRadixFft(22)).Message);
    }

    private static (double[] Re, double[] Im) NaiveDft(double[] re, double[] im)
    {
        var n = re.Length;
        var outRe = new double[n];
        var outIm = new double[n];
        for (var k = 0; k < n; k++)
        {
            for (var j = 0; j < n; j++)
            {
                var angle = -2 * Math.PI * ((long)j * k % n) / n;
                outRe[k] += (re[j] * Math.Cos(angle)) - (im[j] * Math.Sin(angle));
                outIm[k] += (re[j] * Math.Sin(angle)) + (im[j] * Math.Cos(angle));
            }
        }

        return (outRe, outIm);
    }
}
