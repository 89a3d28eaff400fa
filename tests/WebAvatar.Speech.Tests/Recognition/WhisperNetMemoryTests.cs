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

        // Warm-up: glibc raises its mmap threshold as whisper.cpp frees its large per-decode buffers, so the heap takes
        // one step up (hundreds of MB, measured) within the first few dozen decodes and then stays flat.
        await RunAsync(recognizer, audio, 60);
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var privateBefore = Process.GetCurrentProcess().PrivateMemorySize64;
        var clock = Stopwatch.StartNew();
        await RunAsync(recognizer, audio, 60);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var managedGrowth = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        var privateGrowth = Process.GetCurrentProcess().PrivateMemorySize64 - privateBefore;

        // A leaked whisper.cpp state (KV caches and compute buffers) is tens of MB per utterance: gigabytes over the run.
        output.WriteLine($"60 utterances (30 cancelled) in {clock.ElapsedMilliseconds} ms: managed {managedGrowth / 1024} KiB, private {privateGrowth / 1024} KiB");
        Assert.True(managedGrowth < 4 * 1024 * 1024, $"managed heap grew {managedGrowth / 1024} KiB");
        Assert.True(privateGrowth < 32 * 1024 * 1024, $"private bytes grew {privateGrowth / 1024} KiB");
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
