using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebAvatar.Speech.OpenAiCompatible;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Tests.Vad;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>
/// <see cref="SpeechToTextUtteranceRecognizer"/> over the OpenAI-compatible client, against a real HTTP server on the
/// loopback interface: what goes over the wire, partial passes, the concurrency bound, timeouts, cancellation, failures.
/// </summary>
public sealed class SpeechToTextUtteranceRecognizerTests(ITestOutputHelper output)
{
    private const string EngineName = "test-remote";

    [Fact]
    public async Task The_utterance_goes_out_as_16kHz_mono_wav_with_model_and_language_and_the_answer_comes_back_with_timing()
    {
        using var server = new FakeTranscriptionServer(_ => Task.FromResult((200, FakeTranscriptionServer.Json("  Guten Tag.  "))));
        var audio = new float[24_000];
        for (var i = 0; i < audio.Length; i++)
        {
            audio[i] = 0.5f * MathF.Sin(i * 2 * MathF.PI * 300 / 16_000);
        }

        audio[10] = 1.5f; // out of range: clamped, not wrapped
        using var recognizer = Create(server, new WhisperOptions { Language = "de-DE" }, new OpenAiTranscriptionOptions { Model = "Systran/faster-whisper-small", ApiKey = "sk-test" });
        var result = await recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None);

        Assert.Equal("Guten Tag.", result.Text);
        Assert.Equal(EngineName, result.Engine);
        Assert.Equal("de", result.Language);
        Assert.Equal(1.5, result.AudioDuration.TotalSeconds, 6);
        Assert.True(result.DecoderTime > TimeSpan.Zero && result.TotalTime >= result.DecoderTime);
        Assert.Null(recognizer.LastError);

        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.Equal("speech.wav", request.FileName);
        Assert.Equal("audio/wav", request.FileContentType);
        Assert.Equal("Systran/faster-whisper-small", request.Fields["model"]);
        Assert.Equal("de", request.Fields["language"]); // ISO 639-1, as the API wants
        Assert.Equal("json", request.Fields["response_format"]);
        var (format, channels, rate, bits, samples) = request.Wav();
        Assert.Equal((1, 1, 16_000, 16), (format, channels, rate, bits));
        Assert.Equal(audio.Length, samples.Length);
        Assert.Equal(short.MaxValue, samples[10]);
        for (var i = 0; i < samples.Length; i += 97)
        {
            Assert.InRange(samples[i], (short)Math.Round(Math.Clamp(audio[i], -1, 1) * 32767) - 1, (short)Math.Round(Math.Clamp(audio[i], -1, 1) * 32767) + 1);
        }

        // Whisper:Language=auto sends no language (the server detects it) unless the server section names one.
        using var detecting = Create(server, new WhisperOptions { Language = "auto" }, new OpenAiTranscriptionOptions());
        await detecting.TranscribeAsync(audio.AsMemory(0, 8000), RecognitionPass.Final, CancellationToken.None);
        using var sectionLanguage = Create(server, new WhisperOptions { Language = "auto" }, new OpenAiTranscriptionOptions { Language = "fr" });
        await sectionLanguage.TranscribeAsync(audio.AsMemory(0, 8000), RecognitionPass.Final, CancellationToken.None);
        var requests = server.Requests.ToArray();
        Assert.False(requests[1].Fields.ContainsKey("language"));
        Assert.Equal("whisper-1", requests[1].Fields["model"]);
        Assert.Equal("fr", requests[2].Fields["language"]);
        Assert.Equal(0, server.Malformed);
    }

    [Fact]
    public async Task Partial_passes_reach_the_server_only_when_partials_are_on()
    {
        using var server = new FakeTranscriptionServer();
        var audio = new float[16_000];
        using var finalsOnly = Create(server, new WhisperOptions(), new OpenAiTranscriptionOptions());
        Assert.False(((IUtteranceRecognizer)finalsOnly).DecodesPartials);
        var skipped = await finalsOnly.TranscribeAsync(audio, RecognitionPass.Partial, CancellationToken.None);
        Assert.Equal(string.Empty, skipped.Text);
        Assert.Empty(server.Requests);

        using var withPartials = Create(server, new WhisperOptions(), new OpenAiTranscriptionOptions { PartialDecodes = true });
        Assert.True(((IUtteranceRecognizer)withPartials).DecodesPartials);
        var partial = await withPartials.TranscribeAsync(audio, RecognitionPass.Partial, CancellationToken.None);
        Assert.Equal("heard 1.000 s", partial.Text);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Requests_in_flight_are_bounded_by_MaxConcurrentDecodes_and_a_waiting_call_can_be_cancelled()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new FakeTranscriptionServer(async request =>
        {
            await gate.Task;
            return (200, FakeTranscriptionServer.Json("ok"));
        });
        using var recognizer = Create(server, new WhisperOptions { MaxConcurrentDecodes = 2 }, new OpenAiTranscriptionOptions());
        var audio = new float[8000];
        var calls = Enumerable.Range(0, 6).Select(_ => Task.Run(() => recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None))).ToArray();

        await WaitUntilAsync(() => server.InFlight >= 2);
        await Task.Delay(300);
        Assert.Equal(2, server.InFlight);
        Assert.Equal(2, server.Requests.Count);

        // A seventh caller gives up while waiting for a slot: it ends promptly and never reaches the server.
        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recognizer.TranscribeAsync(audio, RecognitionPass.Final, giveUp.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancelled wait took {clock.Elapsed}");
        }

        gate.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal("ok", r.Text));
        Assert.Equal(6, server.Requests.Count);
        Assert.Equal(2, server.MaxInFlight);
    }

    [Fact]
    public async Task A_slow_server_times_out_and_a_cancelled_call_ends_promptly_without_counting_as_a_failure()
    {
        var slow = true;
        using var server = new FakeTranscriptionServer(async _ =>
        {
            if (Volatile.Read(ref slow))
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
            }

            return (200, FakeTranscriptionServer.Json("in time"));
        });
        using var recognizer = Create(server, new WhisperOptions { MaxConcurrentDecodes = 1 }, new OpenAiTranscriptionOptions { TimeoutSeconds = 1 });
        var audio = new float[8000];

        // The caller cancels (a partial superseded, the session ended): OperationCanceledException, no health failure.
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recognizer.TranscribeAsync(audio, RecognitionPass.Final, cancel.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed}"); // the server would take 10 s
        }

        Assert.Null(recognizer.LastError);

        // The server does not answer within Asr:OpenAiCompatible:TimeoutSeconds: a TimeoutException that names it.
        var timing = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None));
        Assert.InRange(timing.Elapsed.TotalSeconds, 0.9, 5);
        Assert.Contains("did not answer within 1 s", timeout.Message);
        Assert.Contains("did not answer within 1 s", recognizer.LastError);

        // Both released their slot (one slot in all): the next call goes through. A leaked slot would hold it for good (the
        // 10 s wait fails); a call that only missed the 1 s answer time on a starved shared core is asked again, twice at most.
        Volatile.Write(ref slow, false);
        string? text = null;
        for (int attempt = 1; text is null; attempt++)
        {
            try
            {
                text = (await recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Text;
            }
            catch (TimeoutException late) when (attempt < 3 && late.Message.Contains("did not answer within", StringComparison.Ordinal))
            {
            }
        }

        Assert.Equal("in time", text);
        Assert.Null(recognizer.LastError);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_call_with_the_reason_kept_for_health()
    {
        var port = FreePort(); // nothing listens there
        var logger = new ListLogger<SpeechToTextUtteranceRecognizer>();
        using var recognizer = new SpeechToTextUtteranceRecognizer(
            new OpenAiCompatibleSpeechToTextClient(new OpenAiTranscriptionOptions { Endpoint = $"http://127.0.0.1:{port}" }),
            new WhisperOptions(), EngineName, ownsClient: true, logger: logger);

        await Assert.ThrowsAsync<HttpRequestException>(() => recognizer.TranscribeAsync(new float[8000], RecognitionPass.Final, CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => recognizer.TranscribeAsync(new float[8000], RecognitionPass.Final, CancellationToken.None));
        output.WriteLine(recognizer.LastError);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), recognizer.LastError);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning); // once when failures start, not per utterance
        Assert.Contains($"127.0.0.1:{port}", warning.Message);
        Assert.Contains("empty transcripts", warning.Message);
    }

    private static SpeechToTextUtteranceRecognizer Create(FakeTranscriptionServer server, WhisperOptions whisper, OpenAiTranscriptionOptions remote)
    {
        remote.Endpoint = server.Root;
        return new SpeechToTextUtteranceRecognizer(
            new OpenAiCompatibleSpeechToTextClient(remote), whisper, EngineName, remote.PartialDecodes, ownsClient: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting");
            await Task.Delay(10);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
