using System.Diagnostics;
using System.Text;

namespace WebAvatar.Testing;

/// <summary>
/// A real Redis server for tests (Debian's redis-server, which scripts/test.sh installs) on a free loopback port, without
/// persistence: the Orleans membership table of one test's cluster.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Process _process;

    private RedisServer(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

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

    public static async Task<RedisServer> StartAsync()
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: install Debian's redis-server (scripts/test.sh does).");
        }

        int port = TestServers.FreePort();
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(arg);
        }

        var server = new RedisServer(port, new Process { StartInfo = info, EnableRaisingEvents = true });
        await server.RunAsync();
        return server;
    }

    private async Task RunAsync()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _process.OutputDataReceived += collect;
        _process.ErrorDataReceived += collect;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited with {_process.ExitCode}:\n{Log}"));
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"redis-server did not accept connections on {Port} within 20 s:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await TestServers.KillAsync(_process);
        _process.Dispose();
    }
}
