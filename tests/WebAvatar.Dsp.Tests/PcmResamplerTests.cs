using WebAvatar.Dsp;

namespace WebAvatar.Dsp.Tests;

public class PcmResamplerTests
{
    [Theory]
    [InlineData(22050, 16000, 12345)]
    [InlineData(24000, 16000, 7)]
    [InlineData(48000, 16000, 48001)]
    [InlineData(16000, 48000, 999)]
    [InlineData(44100, 16000, 1)]
    public void A_whole_buffer_comes_out_exactly_its_length_times_the_rate_ratio(int inRate, int outRate, int length)
    {
        var input = Enumerable.Range(0, length).Select(i => (short)Math.Round(5000 * Math.Sin(2 * Math.PI * 1000 * i / inRate))).ToArray();

        var output = PcmResampler.ResampleAll(input, inRate, outRate);

        Assert.Equal((int)Math.Round((double)length * outRate / inRate), output.Length);
    }

    [Theory]
    [InlineData(22050, 16000, 440)]
    [InlineData(16000, 48000, 1000)]
    [InlineData(48000, 16000, 300)]
    [InlineData(24000, 16000, 2000)]
    public void Sine_keeps_frequency_amplitude_and_length(int inRate, int outRate, double hz)
    {
        var input = Sine(inRate, hz, seconds: 1.0, amplitude: 10000);
        var output = PcmResampler.ResampleAll(input, inRate, outRate);

        Assert.InRange(output.Length, outRate - 2, outRate + 2);
        // Compare with the ideal sine at the output rate away from the edges.
        double err = 0, energy = 0;
        for (int i = outRate / 10; i < outRate * 9 / 10; i++)
        {
            double ideal = 10000 * Math.Sin(2 * Math.PI * hz * i / outRate);
            err += (output[i] - ideal) * (output[i] - ideal);
            energy += ideal * ideal;
        }

        double snrDb = 10 * Math.Log10(energy / err);
        Assert.True(snrDb > 50, $"SNR {snrDb:F1} dB");
    }

    [Fact]
    public void Downsampling_rejects_content_above_the_new_nyquist()
    {
        // 10 kHz at 48 kHz must vanish when going to 16 kHz (Nyquist 8 kHz), not alias to 6 kHz.
        var input = Sine(48000, 10000, 0.5, 10000);
        var output = PcmResampler.ResampleAll(input, 48000, 16000);
        double rms = Math.Sqrt(output.Skip(800).Take(6000).Average(s => (double)s * s));
        Assert.True(rms < 100, $"aliased energy rms {rms:F0}");
    }

    [Fact]
    public void Streaming_in_odd_chunks_equals_one_block()
    {
        var input = Sine(22050, 523, 0.7, 8000);
        var block = PcmResampler.ResampleAll(input, 22050, 16000);

        var r = new PcmResampler(22050, 16000);
        var streamed = new List<short>();
        var buffer = new short[r.MaxOutputFor(2000)];
        int pos = 0, chunk = 1;
        while (pos < input.Length)
        {
            int n = Math.Min(chunk, input.Length - pos);
            int produced = r.Process(input.AsSpan(pos, n), buffer);
            streamed.AddRange(buffer.AsSpan(0, produced).ToArray());
            pos += n;
            chunk = chunk * 7 % 997 + 1;
        }

        int tail = r.Flush(buffer);
        streamed.AddRange(buffer.AsSpan(0, tail).ToArray());
        Assert.Equal(block, streamed.Take(block.Length));
    }

    private static short[] Sine(int rate, double hz, double seconds, double amplitude) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();
}
