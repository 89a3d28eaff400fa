using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebAvatar.Testing;

/// <summary>
/// A real PostgreSQL server for tests: Debian's binaries (package postgresql), a throw-away cluster made by initdb in a temp
/// directory, run in the foreground as one process tree on a free loopback port (so killing it really takes it down), with
/// trust authentication for the user <see cref="User"/>. As root the cluster runs as the postgres account, which PostgreSQL
/// requires. Durability is switched off: these databases live for one test run.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "webavatar";

    private readonly StringBuilder _log = new();
    private Process? _process;

    private PostgresServer(string directory, string binaries, int port)
    {
        Directory = directory;
        Binaries = binaries;
        Port = port;
    }

    public string Directory { get; }

    public string Binaries { get; }

    public int Port { get; }

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

    /// <summary>An Npgsql connection string for <paramref name="database"/> (created by EF Core's migration when missing).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true";

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabaseName() => "webavatar_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<PostgresServer> StartAsync()
    {
        string binaries = FindBinaries();
        string directory = Path.Combine(Path.GetTempPath(), "postgres-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new PostgresServer(directory, binaries, TestServers.FreePort());
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", "postgres:postgres", directory);
        }

        await RunAsync(AsClusterOwner(Path.Combine(binaries, "initdb"),
            "-D", Path.Combine(directory, "data"), "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"));
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (file, args) = AsClusterOwner(Path.Combine(Binaries, "postgres"),
            "-D", Path.Combine(Directory, "data"), "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", Directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "max_connections=200");
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        args.ForEach(info.ArgumentList.Add);
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
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

            if (e.Data.Contains("ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _process.OutputDataReceived += collect;
        _process.ErrorDataReceived += collect;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"postgres exited with {_process.ExitCode}:\n{Log}"));
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"postgres did not accept connections on {Port} within 30 s:\n{Log}");
        }
    }

    /// <summary>Kills the server abruptly, as a crash or network loss would.</summary>
    public Task KillAsync() => TestServers.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        TestServers.DeleteFolder(Directory);
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var found = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException($"No PostgreSQL server under {root}: install Debian's postgresql (scripts/test.sh does).");
    }

    /// <summary>PostgreSQL refuses to run as root: then the command runs as the postgres account (which Debian's package creates).</summary>
    private static (string File, List<string> Args) AsClusterOwner(string file, params string[] args) =>
        Environment.IsPrivilegedProcess ? ("runuser", ["-u", "postgres", "--", file, .. args]) : (file, [.. args]);

    private static Task RunAsync((string File, List<string> Args) command) => RunAsync(command.File, [.. command.Args]);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}
