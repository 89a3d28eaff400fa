using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebAvatar.Testing;

/// <summary>
/// A real RTMP server for tests: Debian's nginx with libnginx-mod-rtmp, run in the foreground as a single
/// process (so killing it really takes the server down) on a free loopback port, with its config, pid, logs
/// and recordings in a temp directory. <c>record all</c> keeps a copy of every published stream.
/// </summary>
public sealed class NginxRtmpServer : IAsyncDisposable
{
    public const string ModulePath = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    private Process? _process;

    private NginxRtmpServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string RecordDirectory => Path.Combine(Directory, "rec");

    public string Url(string key) => $"rtmp://127.0.0.1:{Port}/live/{key}";

    public string RecordingOf(string key) => Path.Combine(RecordDirectory, key + ".flv");

    public static async Task<NginxRtmpServer> StartAsync()
    {
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"{ModulePath} is missing: install nginx and libnginx-mod-rtmp (scripts/test.sh does).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "nginx-rtmp-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new NginxRtmpServer(directory, TestServers.FreePort());
        System.IO.Directory.CreateDirectory(server.RecordDirectory);
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "nginx.conf"), server.Config());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts nginx (again) on the same port and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", Directory, "-e", Path.Combine(Directory, "error.log"), "-c", Path.Combine(Directory, "nginx.conf") })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                string log = File.Exists(Path.Combine(Directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(Directory, "error.log")) : string.Empty;
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"nginx did not listen on {Port} within 10 s.");
    }

    /// <summary>Kills the server abruptly, as a crash or network loss would.</summary>
    public Task KillAsync() => TestServers.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        TestServers.DeleteFolder(Directory);
    }

    private string Config() => $$"""
        load_module {{ModulePath}};
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{Directory}}/nginx.pid;
        error_log {{Directory}}/error.log warn;
        events { worker_connections 64; }
        rtmp {
            server {
                listen 127.0.0.1:{{Port}};
                chunk_size 4096;
                application live {
                    live on;
                    wait_key on;
                    wait_video on;
                    record all;
                    record_path {{RecordDirectory}};
                    record_unique off;
                }
            }
        }
        """;
}
