using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebAvatar.Testing;

/// <summary>
/// Runs the real web app (the built WebAvatar.Web.dll) as a child process on a free loopback port,
/// the way scripts/run.sh does, and captures its log for assertions.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>OS process id of the app (for /proc figures).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<AppProcess> StartAsync(IDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var project = Path.Combine(RepoPaths.Root, "src", "WebAvatar.Web");
        var dll = Path.Combine(project, "bin", RepoPaths.Configuration, "net10.0", "WebAvatar.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the app first (scripts/test.sh does): {dll}");
        }

        int port = FreeTcpPort();
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["WEBAVATAR_ROOT"] = RepoPaths.Root;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Information";
        // Several apps may run at once (a shared fixture app and a test's own): each takes a free UDP port for WebRTC
        // instead of the fixed default, which only the first one could bind.
        info.Environment["WebRtc__UdpPort"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var app = new AppProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}/"));
        await app.WaitHealthyAsync(cancellationToken);
        return app;
    }

    /// <summary>Kills the app abruptly (SIGKILL to its process tree), as a crashed machine would stop; the object stays usable for its log.</summary>
    public Task KillAsync() => TestServers.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the redirected output has all been read; this wait drains it, so the log is whole.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                var response = await http.GetAsync(new Uri(BaseAddress, "healthz"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The app did not become healthy in 60 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
