using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace WebAvatar.Onnx;

/// <summary>How one model's session runs.</summary>
/// <param name="IntraOpThreads">Threads inside one operator; 0 lets ONNX Runtime choose.</param>
/// <param name="UseCuda">Try the CUDA execution provider first; without it (no GPU, CPU-only package) the CPU runs the model and a warning says so.</param>
/// <param name="FlatMemory">
/// No CPU memory arena: for models whose tensors change size every run (Whisper's decoder cache), where the arena grows in
/// power-of-two steps and keeps what it took; plain allocations hold a long-running process's memory flat.
/// </param>
public sealed record OnnxSessionSettings(int IntraOpThreads = 0, bool UseCuda = false, bool FlatMemory = false);

/// <summary>The one way the app opens an ONNX model.</summary>
public static partial class OnnxSessions
{
    /// <summary>
    /// Opens <paramref name="path"/> with full graph optimisation, sequential execution and worker threads that sleep when idle
    /// (spinning workers steal the cores the render and encode loops of the same process need). <paramref name="provider"/> is
    /// "CUDA" or "CPU". Throws <see cref="FileNotFoundException"/> for a missing file and <see cref="OnnxRuntimeException"/> when
    /// ONNX Runtime cannot load the model; callers add what the model is for.
    /// </summary>
    public static InferenceSession Open(string path, OnnxSessionSettings settings, ILogger logger, out string provider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX model not found: {path}", path);
        }

        if (settings.UseCuda)
        {
            using var cudaOptions = CreateOptions(settings);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(0);
                var session = new InferenceSession(path, cudaOptions);
                LogCuda(logger, Path.GetFileName(path));
                provider = "CUDA";
                return session;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                LogCudaUnavailable(logger, Path.GetFileName(path), ex.Message);
            }
        }

        using var options = CreateOptions(settings);
        provider = "CPU";
        return new InferenceSession(path, options);
    }

    private static SessionOptions CreateOptions(OnnxSessionSettings settings)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = !settings.FlatMemory,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (settings.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = settings.IntraOpThreads;
        }

        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: running on CUDA")]
    private static partial void LogCuda(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: CUDA execution provider unavailable ({Reason}); falling back to CPU")]
    private static partial void LogCudaUnavailable(ILogger logger, string model, string reason);
}
