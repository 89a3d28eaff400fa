using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebAvatar.Dsp;
using WebAvatar.Testing;
using WebAvatar.Web.Tests.Admin;
using Xunit.Abstractions;

namespace WebAvatar.Web.Tests.Api;

/// <summary>
/// A broadcast driven only through the public API, with no browser anywhere: created with an API key, mirrored to a real
/// nginx-rtmp server, made to speak twice, followed over Server-Sent Events, deleted; the recording is read back with
/// ffprobe/ffmpeg.
/// </summary>
[Collection(AdminAppCollection.Name)]
public class BroadcastApiTests(ITestOutputHelper output)
{
    private const double LoudRms = 0.01 * 32768;
    private const double SilentRms = 0.001 * 32768;
    private const int WindowMs = 50;

    [Fact]
    public async Task Api_broadcast_streams_speech_to_nginx_rtmp_reports_events_and_ends_the_stream_when_deleted()
    {
        await using var nginx = await NginxRtmpServer.StartAsync();
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Sessions:MaxSessions"] = "2" });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "broadcast test");
        using var api = TestApiKeys.Client(app, secret);

        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "broadcast", mode = "echo", streamUrls = new[] { nginx.Url("show") } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        string id = session.GetProperty("id").GetString()!;
        Assert.Equal("broadcast", session.GetProperty("kind").GetString());
        Assert.Contains("broadcast", session.GetProperty("holders").EnumerateArray().Select(h => h.GetString()));
        await using var events = await SseReader.OpenAsync(api, $"/api/v1/sessions/{id}/events");

        await WaitUntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).GetProperty("mirrors")[0].GetProperty("state").GetString() == "streaming", "the mirror streams");
        Assert.DoesNotContain("show", (await api.GetStringAsync($"/api/v1/sessions/{id}")).Replace("/live/****", string.Empty, StringComparison.Ordinal)); // key masked
        await Task.Delay(2000); // silence before the first line

        var first = await SpeakAsync(api, events, id, "Good evening, and welcome to the show.", "say-exactly");
        await Task.Delay(2000);
        var second = await SpeakAsync(api, events, id, "This second line comes back from the model.", "ask-llm");
        await Task.Delay(1500);

        // The event stream carried the states and the reply text.
        var transcript = events.Events.Where(e => e.Type == "transcript").Select(e => e.Data).ToList();
        Assert.Contains(transcript, t => t.GetProperty("role").GetString() == "system" && t.GetProperty("text").GetString() == "Good evening, and welcome to the show.");
        Assert.Contains(transcript, t => t.GetProperty("role").GetString() == "avatar" && t.GetProperty("isFinal").GetBoolean()
            && t.GetProperty("text").GetString()!.Contains("second line comes back", StringComparison.Ordinal));
        Assert.Contains(events.Events, e => e.Type == "stage" && e.Data.GetProperty("stage").GetString() == "first-audio-out");

        var recording = nginx.RecordingOf("show");
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/sessions/{id}")).StatusCode);
        await events.WaitForAsync((type, data) => type == "ended", TimeSpan.FromSeconds(15));
        await WaitUntilAsync(() => Task.FromResult(events.Completed), "the event stream closes after 'ended'");
        await WaitUntilAsync(() => Task.FromResult(FfmpegChildren(app.Process.ProcessId) == 0), "the RTMP relay (ffmpeg) exits");
        long size = new FileInfo(recording).Length;
        await Task.Delay(1500);
        Assert.Equal(size, new FileInfo(recording).Length); // nothing is published any more
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/sessions/{id}")).StatusCode);

        // Read the recording back: H.264 + AAC at 25 fps, speech where the avatar spoke and silence around it.
        var probe = JsonDocument.Parse(await RunAsync("ffprobe", "-v", "error", "-show_streams", "-of", "json", recording)).RootElement.GetProperty("streams");
        var codecs = probe.EnumerateArray().ToDictionary(s => s.GetProperty("codec_type").GetString()!, s => s);
        Assert.Equal("h264", codecs["video"].GetProperty("codec_name").GetString());
        Assert.Equal("25/1", codecs["video"].GetProperty("r_frame_rate").GetString());
        Assert.Equal("aac", codecs["audio"].GetProperty("codec_name").GetString());

        var rms = await AudioWindowsAsync(recording);
        var segments = LoudSegments(rms);
        output.WriteLine($"recording {rms.Count * WindowMs / 1000.0:F1} s; loud segments (s): " + string.Join(", ", segments.Select(s => $"{s.Start * WindowMs / 1000.0:F2}-{s.End * WindowMs / 1000.0:F2}")));
        output.WriteLine($"spoken per events (s): {first.TotalSeconds:F2}, {second.TotalSeconds:F2}");
        Assert.Equal(2, segments.Count);
        AssertSilent(rms, 0, segments[0].Start - 4, "before the first line");
        AssertSilent(rms, segments[0].End + 4, segments[1].Start - 4, "between the lines");
        AssertSilent(rms, segments[1].End + 4, rms.Count - 2, "after the second line");
        AssertDuration(segments[0], first, "first line");
        AssertDuration(segments[1], second, "second line");
    }

    private static async Task<TimeSpan> SpeakAsync(HttpClient api, SseReader events, string id, string text, string mode)
    {
        int seen = events.Events.Count;
        var response = await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new { text, mode, interruptCurrent = true });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var speaking = await events.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "speaking", TimeSpan.FromSeconds(30), seen);
        var listening = await events.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "listening", TimeSpan.FromSeconds(30), seen);
        return listening.At - speaking.At;
    }

    private static void AssertSilent(List<double> rms, int from, int to, string where)
    {
        for (int i = Math.Max(0, from); i <= Math.Min(to, rms.Count - 1); i++)
        {
            Assert.True(rms[i] < SilentRms, $"{where}: RMS {rms[i]:F0} at {i * WindowMs} ms");
        }
    }

    // The loud part is the speech inside the reply; the reply also carries the voice's own lead-in and tail silence.
    private static void AssertDuration((int Start, int End) segment, TimeSpan spoken, string what)
    {
        double loud = (segment.End - segment.Start + 1) * WindowMs / 1000.0;
        Assert.True(loud >= 0.8, $"{what}: only {loud:F2} s of speech");
        Assert.InRange(spoken.TotalSeconds - loud, -0.3, 1.0);
    }

    /// <summary>Runs of loud windows, joined across the short pauses between words (under 700 ms).</summary>
    private static List<(int Start, int End)> LoudSegments(List<double> rms)
    {
        var segments = new List<(int Start, int End)>();
        for (int i = 0; i < rms.Count; i++)
        {
            if (rms[i] < LoudRms)
            {
                continue;
            }

            if (segments.Count > 0 && i - segments[^1].End <= 700 / WindowMs)
            {
                segments[^1] = (segments[^1].Start, i);
            }
            else
            {
                segments.Add((i, i));
            }
        }

        return segments;
    }

    private static async Task<List<double>> AudioWindowsAsync(string recording)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", "error", "-i", recording, "-map", "0:a", "-ac", "1", "-ar", "16000", "-f", "s16le", "-" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var pcm = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(pcm);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg could not decode the recording: " + await stderr);
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm.ToArray());
        int window = 16 * WindowMs;
        var rms = new List<double>();
        for (int start = 0; start + window <= samples.Length; start += window)
        {
            rms.Add(AudioLevel.Rms(samples.Slice(start, window)));
        }

        return rms;
    }

    private static int FfmpegChildren(int parentPid) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Count(pid =>
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                int close = stat.LastIndexOf(')');
                string name = stat[(stat.IndexOf('(') + 1)..close];
                int ppid = int.Parse(stat[(close + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                return ppid == parentPid && name == "ffmpeg";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                return false;
            }
        });

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {await stderr}");
        return await stdout;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Timed out waiting until " + what);
    }
}
