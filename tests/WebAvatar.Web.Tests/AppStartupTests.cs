using System.Net;
using System.Text.Json;

namespace WebAvatar.Web.Tests;

public class AppStartupTests
{
    [Fact]
    public async Task Chat_page_is_served_and_names_the_active_engines()
    {
        await using var app = await AppProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("LLM: echo mode", html);
        Assert.Contains("Echo mode", html);
        Assert.Contains("TTS: espeak", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Lip-sync: parametric", html);
        Assert.Contains("VAD: Silero VAD v5", html);

        var mud = await http.GetAsync("/_content/MudBlazor/MudBlazor.min.css");
        Assert.Equal(HttpStatusCode.OK, mud.StatusCode);
    }

    [Fact]
    public async Task Health_api_lists_engines_and_found_models()
    {
        await using var app = await AppProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/health"));
        var engines = doc.RootElement.GetProperty("engines").EnumerateArray().ToList();
        Assert.Contains(engines, e => e.GetProperty("stage").GetString() == "LLM" && e.GetProperty("engine").GetString() == "echo mode");
        // No server model: voice input is not off, it moves to the browser's recognizer, and the report says what that means.
        Assert.Contains(engines, e => e.GetProperty("stage").GetString() == "ASR" && e.GetProperty("active").GetBoolean()
            && e.GetProperty("engine").GetString() == "browser speech recognition"
            && e.GetProperty("detail").GetString()!.Contains("may send the audio to the browser vendor"));
        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Contains(models, m => m.GetProperty("kind").GetString() == "Silero VAD");

        var page = await http.GetStringAsync("/health");
        Assert.Contains("silero_vad_v5.onnx", page);
    }

    [Fact]
    public async Task Unreachable_llm_falls_back_to_echo_mode_with_the_reason()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Llm:Provider"] = "OpenAI",
            ["Llm:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Llm:Model"] = "gpt-test",
            ["Llm:ConnectTimeoutSeconds"] = "1",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var html = await http.GetStringAsync("/");
        Assert.Contains("Echo mode", html);
        Assert.Contains("unreachable", html);
    }
}
