using System.Diagnostics;
using WebAvatar.Speech.Recognition;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>Runs alone (see <see cref="WhisperMemoryTests"/>) so other tests' allocations do not blur the measurement.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public class WhisperNetMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ManyUtterancesIncludingCancelledOnesDoNotGrowMemory()
    {
        // One decode at a time, so a cancelled decode winding down never overlaps the next and the figures stay steady.
        using var engine = GeneratedGgmlModels.OpenEngine(GeneratedGgmlModels.Random, new WhisperOptions { MaxNewTokens = 8, MaxConcurrentDecodes = 1 });
        var recognizer = engine.Recognizer!;
        var audio = WhisperFeatureExtractorTests.ReferenceSignal()[..16_000];

        // glibc raises its mmap threshold as whisper.cpp frees its large per-decode buffers, so the heap takes a step or two
        // up (50-370 MB, measured) at unpredictable points and then stays flat. A leak grows every batch instead: a leaked
        // whisper.cpp state (KV caches and compute buffers) is tens of MB per utterance. So: some batch must stay flat.
        await RunAsync(recognizer, audio, 20);
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var growths = new List<long>();
        var clock = Stopwatch.StartNew();
        for (var batch = 0; batch < 5; batch++)
        {
            var before = Process.GetCurrentProcess().PrivateMemorySize64;
            await RunAsync(recognizer, audio, 16);
            growths.Add(Process.GetCurrentProcess().PrivateMemorySize64 - before);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var managedGrowth = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        output.WriteLine($"5 x 16 utterances (half cancelled) in {clock.ElapsedMilliseconds} ms: managed {managedGrowth / 1024} KiB, " +
            $"private per batch {string.Join(", ", growths.Select(g => $"{g / 1024} KiB"))}");
        Assert.True(managedGrowth < 4 * 1024 * 1024, $"managed heap grew {managedGrowth / 1024} KiB");
        Assert.True(growths.Min() < 16 * 1024 * 1024, $"private bytes grew in every batch: {string.Join(", ", growths.Select(g => g / 1024))} KiB");
    }

    private static async Task RunAsync(IUtteranceRecognizer recognizer, float[] audio, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // Every other one cancelled part-way: the path that leaves a decode winding down on its own.
            using var cts = new CancellationTokenSource();
            if (i % 2 == 1)
            {
                cts.CancelAfter(TimeSpan.FromMilliseconds(20));
            }

            try
            {
                await recognizer.TranscribeAsync(audio, RecognitionPass.Final, cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Expected for the cancelled half.
            }
        }

        // Waits for the last cancelled decode's slot, so nothing is winding down when this returns.
        await recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None);
    }
}
