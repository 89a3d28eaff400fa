using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Transport.WebRtc.Tests.Browser;

/// <summary>Drives webavatar-webrtc.js in the test page and reads its stats summary.</summary>
internal sealed class PageClient(IPage page)
{
    public async Task<string> ConnectAsync(string sessionId, string? preferVideoCodec, bool mic, bool reconnect = false)
    {
        return await page.EvaluateAsync<string>(
            """
            async ([sessionId, codec, mic, reconnect]) => {
              window.states = [];
              window.ctl = WebAvatarWebRtc.connect({ sessionId, videoElement: document.getElementById('v'), mic,
                preferVideoCodec: codec, reconnect, onStateChange: (s) => window.states.push(s) });
              try { await window.ctl.ready; } catch (e) { return 'error: ' + e; }
              const t0 = performance.now();
              while (window.ctl.state !== 'connected' && window.ctl.state !== 'failed' && performance.now() - t0 < 10000) {
                await new Promise((r) => setTimeout(r, 10));
              }
              return window.ctl.state;
            }
            """,
            new object?[] { sessionId, preferVideoCodec, mic, reconnect });
    }

    public async Task<string[]> StatesAsync() => await page.EvaluateAsync<string[]>("() => window.states");

    public async Task<string> StateAsync() => await page.EvaluateAsync<string>("() => window.ctl.state");

    public async Task<JsonElement> StatsAsync() => await page.EvaluateAsync<JsonElement>("async () => await window.ctl.getStats()");

    public Task CloseAsync() => page.EvaluateAsync("async () => { await window.ctl.close(); }");

    public static long Long(JsonElement stats, string track, string field) =>
        stats.TryGetProperty(track, out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? (long)v.GetDouble() : 0;

    public static double? Double(JsonElement stats, string track, string field) =>
        stats.TryGetProperty(track, out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public async Task<JsonElement> WaitForFramesAsync(long minFrames, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await StatsAsync();
            if (Long(stats, "video", "framesDecoded") >= minFrames || DateTime.UtcNow > deadline)
            {
                return stats;
            }

            await Task.Delay(100);
        }
    }
}
