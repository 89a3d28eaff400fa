using System.ComponentModel;
using System.Diagnostics;

namespace WebAvatar.Media;

/// <summary>
/// One running ffmpeg or ffprobe started by <see cref="FfmpegRunner"/>. Stderr is read in the background and its last
/// lines kept for error messages; cancelling a wait, or disposing a process still running, kills its whole process tree.
/// </summary>
public sealed class FfmpegProcess : IDisposable
{
    private const int KeptStderrLines = 20;

    private readonly Process _process;
    private readonly string _name;
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stderrRead;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FfmpegProcess(Process process, string name, Action<string>? onStderrLine)
    {
        _process = process;
        _name = name;
        _process.Exited += (_, _) => _exited.TrySetResult();
        if (_process.HasExited)
        {
            _exited.TrySetResult();
        }

        _stderrRead = Task.Run(() => ReadStderrAsync(onStderrLine));
    }

    /// <summary>ffmpeg's stdin (with <see cref="FfmpegPipes.Input"/>).</summary>
    public Stream Input => _process.StartInfo.RedirectStandardInput ? _process.StandardInput.BaseStream : throw new InvalidOperationException("ffmpeg was started without an input pipe.");

    /// <summary>ffmpeg's stdout (with <see cref="FfmpegPipes.Output"/>).</summary>
    public Stream Output { get; private init; } = Stream.Null;

    /// <summary>Completes when ffmpeg's stderr has closed (normally just after the exit): every line has been seen.</summary>
    public Task StderrClosed => _stderrRead;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _exited.Task;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines ffmpeg wrote to stderr, oldest first.</summary>
    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderrTail)
            {
                return [.. _stderrTail];
            }
        }
    }

    internal static FfmpegProcess Start(string executable, string optionKey, IEnumerable<string> arguments, FfmpegPipes pipes, Action<string>? onStderrLine)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = pipes.HasFlag(FfmpegPipes.Input),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            var name = Path.GetFileName(executable);
            throw new FfmpegException(
                $"Cannot start {name} '{executable}' ({ex.Message}): install ffmpeg (scripts/setup.sh) or set {optionKey} to the executable's path.", null, ex);
        }

        if (!pipes.HasFlag(FfmpegPipes.Output))
        {
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        }

        return new FfmpegProcess(process, Path.GetFileName(executable), onStderrLine) { Output = pipes.HasFlag(FfmpegPipes.Output) ? process.StandardOutput.BaseStream : Stream.Null };
    }

    /// <summary>
    /// Waits for the exit; throws <see cref="FfmpegException"/> with stderr's last lines when the exit code is not 0.
    /// Cancelling kills the process tree and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }

        await _stderrRead.ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new FfmpegException($"{_name} failed (exit {_process.ExitCode}): {Describe(StderrTail)}", _process.ExitCode);
        }
    }

    /// <summary>Closes stdin so ffmpeg finishes its output, waits up to <paramref name="grace"/>, then kills it. True when it left by itself.</summary>
    public async Task<bool> CloseInputAndWaitAsync(TimeSpan grace)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The pipe is already broken: ffmpeg is gone or going.
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Kills ffmpeg and anything it started; nothing happens when it has already exited.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>The last non-empty stderr line, or a fallback, for one-line messages.</summary>
    public static string Describe(IReadOnlyList<string> stderrTail) =>
        stderrTail.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no error output";

    private async Task ReadStderrAsync(Action<string>? onStderrLine)
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    if (_stderrTail.Count > KeptStderrLines)
                    {
                        _stderrTail.Dequeue();
                    }
                }

                onStderrLine?.Invoke(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone; its exit code tells the rest.
        }
    }
}
