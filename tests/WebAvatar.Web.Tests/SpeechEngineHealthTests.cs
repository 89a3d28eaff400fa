using System.Diagnostics;
using System.Text.Json;

namespace WebAvatar.Web.Tests;

/// <summary>The chat chips and /api/health name the speech recognizer that actually runs, or why none does.</summary>
public sealed class SpeechEngineHealthTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"webavatar-web-ggml-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_ggml_model_runs_on_whisper_net_and_the_page_says_so()
    {
        var model = await GenerateGgmlAsync("ggml-tiny.bin");
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Whisper:Engine"] = "whisper.net",
            ["Whisper:GgmlModelPath"] = model,
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var asr = await AsrAsync(http);
        Assert.Equal("Whisper.net", asr.GetProperty("engine").GetString());
        Assert.True(asr.GetProperty("active").GetBoolean());
        Assert.Contains("ggml-tiny.bin", asr.GetProperty("detail").GetString());
        Assert.Contains("ASR: Whisper.net", await http.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_corrupt_ggml_model_is_named_with_the_reason_and_the_app_still_serves()
    {
        var model = await GenerateGgmlAsync("ggml-base.bin", "--corrupt", "magic");
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Whisper:Engine"] = "whisper.net",
            ["Whisper:GgmlModelPath"] = model,
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // No server recognizer: the chat page falls back to the browser's, and the line keeps the reason.
        var asr = await AsrAsync(http);
        Assert.Equal("browser speech recognition", asr.GetProperty("engine").GetString());
        Assert.Contains("ggml-base.bin failed to load", asr.GetProperty("detail").GetString());
        Assert.Contains("ASR: browser speech recognition", await http.GetStringAsync("/"));
    }

    [Fact]
    public async Task Engine_openai_names_the_transcription_server_and_the_page_says_so()
    {
        // Nothing is sent before someone speaks: the server is only named, not called.
        int calls = 0;
        using var server = new LoopbackHttpServer(context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Whisper:Engine"] = "openai",
            ["Asr:OpenAiCompatible:Endpoint"] = server.Root,
            ["Asr:OpenAiCompatible:Model"] = "Systran/faster-whisper-small",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var asr = await AsrAsync(http);
        Assert.Equal("OpenAI-compatible", asr.GetProperty("engine").GetString());
        Assert.True(asr.GetProperty("active").GetBoolean());
        Assert.Contains($"Systran/faster-whisper-small at {server.Root}/v1/audio/transcriptions", asr.GetProperty("detail").GetString());
        Assert.Contains("ASR: OpenAI-compatible", await http.GetStringAsync("/"));
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    private static async Task<JsonElement> AsrAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/health"));
        return doc.RootElement.GetProperty("engines").EnumerateArray().Single(e => e.GetProperty("stage").GetString() == "ASR").Clone();
    }

    private Task<string> GenerateGgmlAsync(string name, params string[] extraArgs)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, name);
        ModelTools.Generate("gen_whisper_ggml.py", [path, .. extraArgs]);
        return Task.FromResult(path);
    }
}
