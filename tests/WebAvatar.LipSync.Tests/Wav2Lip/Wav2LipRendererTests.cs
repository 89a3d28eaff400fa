using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Preprocessing;
using WebAvatar.LipSync.Wav2Lip;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

public class Wav2LipRendererTests
{
    internal static Wav2LipRendererFactory NewFactory(string modelPath, Action<Wav2LipOptions>? configure = null, ILogger<Wav2LipRendererFactory>? logger = null)
    {
        var options = new Wav2LipOptions { ModelPath = modelPath, BatchSize = 4, FirstBatchSize = 1, IntraOpThreads = 1 };
        configure?.Invoke(options);
        var preprocessor = new AvatarPreprocessor(
            Options.Create(new AvatarPreprocessingOptions { CacheDirectory = Wav2LipTestAssets.NewTempFolder() }), TestAssets.Faces, new FfmpegRunner(), NullLogger<AvatarPreprocessor>.Instance);
        return new Wav2LipRendererFactory(Options.Create(options), preprocessor, logger ?? NullLogger<Wav2LipRendererFactory>.Instance);
    }

    private static async Task<List<VideoFrame>> RenderAll(IAvatarRenderer renderer, short[] samples, long firstSlot)
    {
        var frames = new List<VideoFrame>();
        await foreach (var frame in renderer.RenderSpeechAsync(new SpeechClip(samples, [], "test"), firstSlot, CancellationToken.None))
        {
            frames.Add(frame);
        }

        return frames;
    }

    [Fact]
    public async Task Speech_frames_change_only_the_face_box_with_a_seamless_blend()
    {
        using var factory = NewFactory(Wav2LipTestAssets.TinyModel96);
        using var renderer = await factory.CreateRendererAsync(Wav2LipTestAssets.TalkingHeadVideo, CancellationToken.None);
        var samples = Wav2LipTestAssets.Speechlike(1.5);
        const long firstSlot = 30; // crosses the ping-pong turn at base frame 39
        var frames = await RenderAll(renderer, samples, firstSlot);

        Assert.Equal(MediaTiming.FramesForSamples(samples.Length), frames.Count);
        Assert.Equal(frames.Count, renderer.FramesInferred);
        Assert.Equal(0, renderer.MasksComputed); // every box size's mask came from the avatar cache
        for (int i = 0; i < frames.Count; i++)
        {
            using var frame = frames[i];
            using var idle = renderer.RenderIdle(firstSlot + i);
            AssertPastedInsideBoxOnly(frame, idle, renderer.BoxForSlot(firstSlot + i));
        }
    }

    /// <summary>
    /// Outside the box nothing changes; the mouth changes; the box edge itself barely moves; and the change fades in:
    /// averaged across the mouth rows (columns), the change profile has no jump between neighbouring columns (rows),
    /// where a hard paste jumps from 0 to its full size at the box edge.
    /// </summary>
    private static void AssertPastedInsideBoxOnly(VideoFrame frame, VideoFrame idle, FaceBox box)
    {
        int width = frame.Width, changedMouth = 0, mouthPixels = 0, maxEdge = 0;
        var a = frame.Buffer;
        var b = idle.Buffer;
        int Diff(int x, int y) =>
            Math.Abs(a[(y * width + x) * 3] - b[(y * width + x) * 3]) + Math.Abs(a[(y * width + x) * 3 + 1] - b[(y * width + x) * 3 + 1]) +
            Math.Abs(a[(y * width + x) * 3 + 2] - b[(y * width + x) * 3 + 2]);
        var columnProfile = new double[box.Width];
        var rowProfile = new double[box.Height];
        int mouthTop = box.Y1 + box.Height * 6 / 10, mouthBottom = box.Y1 + box.Height * 85 / 100;
        int mouthLeft = box.X1 + box.Width * 3 / 10, mouthRight = box.X2 - box.Width * 3 / 10;
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int d = Diff(x, y);
                if (!box.Contains(x, y))
                {
                    Assert.True(d == 0, $"pixel ({x},{y}) outside {box} changed");
                    continue;
                }

                if (x == box.X1 || x == box.X2 - 1 || y == box.Y1 || y == box.Y2 - 1)
                {
                    maxEdge = Math.Max(maxEdge, d);
                }

                if (y >= mouthTop && y < mouthBottom)
                {
                    columnProfile[x - box.X1] += d / (double)(mouthBottom - mouthTop);
                }

                if (x >= mouthLeft && x < mouthRight)
                {
                    rowProfile[y - box.Y1] += d / (double)(mouthRight - mouthLeft);
                    if (y >= mouthTop && y < mouthBottom)
                    {
                        mouthPixels++;
                        changedMouth += d > 6 ? 1 : 0;
                    }
                }
            }
        }

        Assert.True(changedMouth > mouthPixels / 2, $"only {changedMouth} of {mouthPixels} mouth pixels changed");
        Assert.True(maxEdge <= 6, $"the box edge changed by {maxEdge}: the paste has a hard border");
        AssertFadesIn(columnProfile, "column");
        AssertFadesIn(rowProfile.AsSpan(box.Height / 2).ToArray(), "row");
    }

    /// <summary>Near the box edge (sides, bottom) the mean change is a small part of its peak: it ramps up instead of jumping.</summary>
    private static void AssertFadesIn(double[] profile, string what)
    {
        double peak = profile.Max();
        Assert.True(peak > 10, $"the {what} profile shows no change (peak {peak:0.0})");
        for (int i = 0; i < 2; i++)
        {
            Assert.True(profile[^(i + 1)] < 0.1 * peak && (what == "row" || profile[i] < 0.1 * peak),
                $"{what} {i} from the box edge already changed by {Math.Max(profile[i], profile[^(i + 1)]):0.0} of peak {peak:0.0}: the seam is not blended");
        }
    }

    [Fact]
    public async Task A_model_returning_its_reference_face_reproduces_the_base_frame()
    {
        using var factory = NewFactory(Wav2LipTestAssets.IdentityModel96);
        using var renderer = await factory.CreateRendererAsync(Wav2LipTestAssets.TalkingHeadVideo, CancellationToken.None);
        var frames = await RenderAll(renderer, Wav2LipTestAssets.Speechlike(0.4), 12);
        Assert.Equal(renderer.FramesInferred, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            using var frame = frames[i];
            using var idle = renderer.RenderIdle(12 + i);
            var box = renderer.BoxForSlot(12 + i);
            double sum = 0;
            for (int y = box.Y1 + box.Height / 2; y < box.Y2; y++)
            {
                for (int x = box.X1; x < box.X2; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        int at = (y * frame.Width + x) * 3 + c;
                        sum += Math.Abs(frame.Buffer[at] - idle.Buffer[at]);
                    }
                }
            }

            double mean = sum / (box.Width * (box.Y2 - box.Y1 - box.Height / 2) * 3);
            // Resampling to 96 px and back costs ~1.2 levels; swapped channels cost 3.6 even after the colour match, a shifted box more.
            Assert.True(mean < 2, $"frame {i}: the pasted reference differs from the base frame by {mean:0.00} on average");
        }
    }

    [Fact]
    public async Task Silence_reuses_base_frames_without_inference()
    {
        using var factory = NewFactory(Wav2LipTestAssets.TinyModel96);
        using var renderer = await factory.CreateRendererAsync(Wav2LipTestAssets.TalkingHeadVideo, CancellationToken.None);
        var samples = new short[16000]; // 1 s silence, then 1 s speech
        samples = [.. samples, .. Wav2LipTestAssets.Speechlike(1.0)];
        var frames = await RenderAll(renderer, samples, 0);

        Assert.Equal(50, frames.Count);
        for (int i = 0; i < 20; i++)
        {
            using var idle = renderer.RenderIdle(i);
            Assert.True(frames[i].Pixels.SequenceEqual(idle.Pixels), $"silent frame {i} differs from the base frame");
        }

        Assert.InRange(renderer.FramesInferred, 25, 30);
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Reads_the_256_face_size_from_the_model()
    {
        using var factory = NewFactory(Wav2LipTestAssets.TinyModel256);
        Assert.Equal(256, factory.Model().FaceSize);
        using var renderer = await factory.CreateRendererAsync(Wav2LipTestAssets.DefaultAvatar, CancellationToken.None);
        var frames = await RenderAll(renderer, Wav2LipTestAssets.Speechlike(0.3), 7);
        Assert.Equal(8, frames.Count);
        using var idle = renderer.RenderIdle(7);
        AssertPastedInsideBoxOnly(frames[0], idle, renderer.BoxForSlot(7));
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public void Cuda_when_unavailable_falls_back_to_the_cpu_with_a_log_line()
    {
        var logger = new RecordingLogger<Wav2LipRendererFactory>();
        using var factory = NewFactory(Wav2LipTestAssets.TinyModel96, o => o.UseCuda = true, logger);
        var model = factory.Model();

        Assert.Equal("CPU", model.Provider);
        Assert.Contains(logger.Messages, m => m.Level == LogLevel.Warning && m.Text.Contains("falling back to CPU"));
        Assert.Equal(96, model.FaceSize);
    }

    [Fact]
    public async Task Without_a_model_the_engine_is_unavailable_and_says_why()
    {
        var folder = Wav2LipTestAssets.NewTempFolder();
        using var factory = NewFactory(Path.Combine(folder, "wav2lip*.onnx"));
        Assert.False(factory.IsAvailable);
        var e = await Assert.ThrowsAsync<AvatarException>(() => factory.CreateAsync(Wav2LipTestAssets.DefaultAvatar, CancellationToken.None));
        Assert.Contains("No Wav2Lip model matches", e.Message);

        File.Copy(Wav2LipTestAssets.TinyModel96, Path.Combine(folder, "wav2lip_tiny.onnx"));
        Assert.True(factory.IsAvailable);
        Assert.EndsWith("wav2lip_tiny.onnx", factory.ModelFile());
    }

    [Fact]
    public void A_file_that_is_not_a_wav2lip_model_is_rejected()
    {
        var path = Path.Combine(Wav2LipTestAssets.NewTempFolder(), "wav2lip.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        using var factory = NewFactory(path);
        var e = Assert.Throws<InvalidOperationException>(() => factory.Model());
        Assert.Contains("could not be loaded", e.Message);
    }

    [Fact]
    public async Task Cancellation_stops_rendering_promptly()
    {
        using var factory = NewFactory(Wav2LipTestAssets.TinyModel96);
        using var renderer = await factory.CreateRendererAsync(Wav2LipTestAssets.DefaultAvatar, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in renderer.RenderSpeechAsync(new SpeechClip(Wav2LipTestAssets.Speechlike(4), [], "long"), 0, cts.Token))
            {
                frame.Dispose();
                if (++received == 3)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.InRange(received, 3, 5);
    }

    [Fact]
    public void AddWav2Lip_before_AddLipSync_makes_wav2lip_the_first_engine()
    {
        var provider = BuildServices(new() { ["Wav2Lip:ModelPath"] = Wav2LipTestAssets.TinyModel96 });
        var engines = provider.GetServices<IAvatarRendererFactory>().ToList();

        Assert.Equal(["wav2lip", "parametric"], engines.Select(e => e.EngineName));
        Assert.True(engines[0].IsAvailable);
        Assert.Same(provider.GetRequiredService<Wav2LipRendererFactory>(), engines[0]);
    }

    [Fact]
    public void Invalid_wav2lip_settings_fail_validation()
    {
        var provider = BuildServices(new() { ["Wav2Lip:BatchSize"] = "0" });
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Wav2LipOptions>>().Value);
        Assert.Contains("BatchSize", e.Message);
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        settings["Wav2Lip:Preprocessing:CacheDirectory"] = Wav2LipTestAssets.NewTempFolder();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging();
        services.AddWav2Lip().AddLipSync();
        services.AddWav2Lip(); // idempotent: no second engine entry
        return services.BuildServiceProvider();
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public List<(LogLevel Level, string Text)> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
