using WebAvatar.Testing;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// Barge-in, the BargeInTests technique repeated: while the avatar reads a long text, Chromium's looping fake mic says
/// "Stop please..."; the time from the mic's speech onset to the avatar's audio going quiet (400 ms of silence: the
/// interrupted reply stopped) is measured at the browser (Silero VAD onset + interrupt + flush + network + jitter buffer).
/// </summary>
internal static class BargeInPhase
{
    private const string Interruption = "Stop please, I have a question for you.";
    private const string LongText =
        "This is a long answer that goes on and on, with many words and clauses, so that the person listening has plenty of time, " +
        "more than enough time really, to interrupt the avatar while it is still talking about nothing in particular at all. " +
        "And it keeps going, sentence after sentence, because a reply that ends too soon cannot be interrupted by anyone.";

    private const double MicOn = 0.02, AvatarOn = 0.01, QuietMs = 400;

    public static async Task<BargeInResult> MeasureAsync(BenchApp app, int count, CancellationToken cancellationToken)
    {
        // Loop: 3 s quiet, the interruption (~2.5 s), 9 s quiet. The avatar starts the long text 2.5 s into a quiet
        // stretch (after the scripted answer to the previous interruption) and is still talking when the mic speaks.
        var micWav = MicWav.Sequence(3, [Interruption], 9);
        var stops = new List<double>();
        try
        {
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var context = await chromium.Browser.NewContextAsync();
            var page = await ChatPage.OpenAsync(context, app.BaseAddress);
            await page.ConnectAsync();
            var probe = await BrowserProbe.StartAsync(page);
            double start = BrowserProbe.NowUnixMs(), lastSay = 0;
            double giveUp = start + (count * 20_000) + 30_000;
            Console.WriteLine($"barge-in: {count} interruptions ...");
            while (stops.Count < count)
            {
                if (BrowserProbe.NowUnixMs() > giveUp)
                {
                    throw new TimeoutException($"only {stops.Count} of {count} barge-ins measured in {(giveUp - start) / 1000:F0} s");
                }

                await Task.Delay(250, cancellationToken);
                await probe.CollectAsync();
                var mic = probe.Audio.Select(a => (a.T, a.Mic)).ToList();
                var avatar = probe.Audio.Select(a => (a.T, Level: a.Avatar)).ToList();
                var segments = AudioActivity.Segments(mic, MicOn, 700);
                double now = BrowserProbe.NowUnixMs();
                double quietSince = segments.Count > 0 ? segments[^1].End : start;
                bool micQuiet = probe.Audio.Count > 0 && probe.Audio[^1].Mic <= MicOn && now - quietSince > 2500;
                if (micQuiet && lastSay < quietSince)
                {
                    await page.SayAsync(LongText);
                    lastSay = now;
                }

                stops.Clear();
                foreach (var (onset, _) in segments)
                {
                    // Only interruptions of a talking avatar count (the first loop may start mid-file).
                    bool talking = avatar.Count(a => a.T > onset - 500 && a.T < onset && a.Level > AvatarOn) > 20;
                    double stopped = AudioActivity.LoudUntilQuiet(avatar, AvatarOn, onset, QuietMs);
                    if (talking && !double.IsNaN(stopped))
                    {
                        stops.Add(stopped - onset);
                    }
                }
            }

            await page.CloseAsync();
        }
        finally
        {
            File.Delete(micWav);
        }

        return new BargeInResult(stops);
    }
}
