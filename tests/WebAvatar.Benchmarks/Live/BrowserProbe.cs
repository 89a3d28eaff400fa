using System.Text.Json;
using WebAvatar.Testing;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// Timing at the browser, on the browser's wall clock (performance.timeOrigin + now, Unix ms, the same clock the app's
/// StartedUnixMs uses on this machine): WebAudio analysers on the mic and the avatar's audio track every 5 ms, and
/// per presented video frame (requestVideoFrameCallback) how much the picture changed since the previous frame.
/// </summary>
internal sealed class BrowserProbe
{
    private const string Install = $$"""
        async () => {
          if (window.__bench) return;
          const pc = avatarPage.controller().pc;
          const ctx = new AudioContext();
          await ctx.resume();
          const meters = {{BrowserAudioMeters.Factory}}(ctx, pc);
          const clock = () => performance.timeOrigin + performance.now();
          const B = window.__bench = { audio: [], frames: [] };
          B.timer = setInterval(() => B.audio.push([clock(), meters.mic(), meters.avatar()]), 5);
          const video = document.getElementById('avatar-video');
          const size = 96, grid = 8, cell = size / grid;
          const canvas = document.createElement('canvas'); canvas.width = size; canvas.height = size;
          const g = canvas.getContext('2d', { willReadFrequently: true });
          let prev = null;
          const onFrame = (now, meta) => {
            g.drawImage(video, 0, 0, size, size);
            const px = g.getImageData(0, 0, size, size).data;
            const cells = new Array(grid * grid).fill(0);
            if (prev) {
              for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
                const i = (y * size + x) * 4;
                cells[Math.floor(y / cell) * grid + Math.floor(x / cell)] += Math.abs(px[i] - prev[i]) + Math.abs(px[i + 1] - prev[i + 1]) + Math.abs(px[i + 2] - prev[i + 2]);
              }
              for (let c = 0; c < cells.length; c++) cells[c] = Math.round(cells[c] / (cell * cell * 3) * 100) / 100;
            }
            prev = px;
            B.frames.push([performance.timeOrigin + (meta.expectedDisplayTime || now), cells]);
            video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
        }
        """;

    private const string Drain = "() => { const B = window.__bench; const r = { audio: B.audio, frames: B.frames }; B.audio = []; B.frames = []; return r; }";

    private readonly ChatPage _page;

    private BrowserProbe(ChatPage page) => _page = page;

    /// <summary>Every 5 ms: (Unix ms, mic RMS, avatar audio RMS).</summary>
    public List<(double T, double Mic, double Avatar)> Audio { get; } = [];

    /// <summary>Per presented frame: (Unix ms, mean absolute change from the previous frame in each cell of an 8x8 grid, 0..255).</summary>
    public List<(double T, double[] Cells)> Frames { get; } = [];

    public static async Task<BrowserProbe> StartAsync(ChatPage page)
    {
        await page.EvaluateAsync<JsonElement>(Install);
        return new BrowserProbe(page);
    }

    /// <summary>Moves what the page has collected since the last call into <see cref="Audio"/> and <see cref="Frames"/>.</summary>
    public async Task CollectAsync()
    {
        var batch = await _page.EvaluateAsync<JsonElement>(Drain);
        foreach (var s in batch.GetProperty("audio").EnumerateArray())
        {
            Audio.Add((s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble()));
        }

        foreach (var f in batch.GetProperty("frames").EnumerateArray())
        {
            Frames.Add((f[0].GetDouble(), f[1].EnumerateArray().Select(c => c.GetDouble()).ToArray()));
        }
    }

    public static double NowUnixMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
