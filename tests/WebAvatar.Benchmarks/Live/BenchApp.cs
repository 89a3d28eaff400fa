using System.Net.Http.Json;
using System.Text.Json;
using WebAvatar.Testing;

namespace WebAvatar.Benchmarks.Live;

/// <summary>The built app as a child process for a live bench, plus its /api/metrics endpoint.</summary>
internal sealed class BenchApp : IAsyncDisposable
{
    private readonly HttpClient _http;

    private readonly string _dataFolder;

    private BenchApp(AppProcess process, string dataFolder)
    {
        Process = process;
        _dataFolder = dataFolder;
        _http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public AppProcess Process { get; }

    public Uri BaseAddress => Process.BaseAddress;

    /// <summary>Starts the app with benchmark defaults (random WebRTC port, forced GC allowed) plus <paramref name="settings"/>.</summary>
    public static async Task<BenchApp> StartAsync(IDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        // A fresh database per run: no persona or default avatar from an earlier run changes the figures.
        var dataFolder = Path.Combine(Path.GetTempPath(), "webavatar-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataFolder);
        var all = new Dictionary<string, string>
        {
            ["WebRtc:UdpPort"] = "0",
            ["Metrics:AllowForcedGc"] = "true",
            ["Data:Folder"] = dataFolder,
            ["Data:ConnectionString"] = $"Data Source={Path.Combine(dataFolder, "webavatar.db")}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        try
        {
            return new BenchApp(await AppProcess.StartAsync(all, cancellationToken), dataFolder);
        }
        catch
        {
            Directory.Delete(dataFolder, recursive: true);
            throw;
        }
    }

    public async Task<JsonElement> MetricsAsync(CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync<JsonElement>("/api/metrics", cancellationToken);

    /// <summary>Forces a full compacting GC in the app, then returns the metrics.</summary>
    public async Task<JsonElement> MetricsAfterGcAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync("/api/metrics/gc", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
