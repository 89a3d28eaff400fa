using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Opens ONNX Runtime sessions for the voice-input models: CPU by default, CUDA only when asked for,
/// falling back to CPU (with a log line) when the CUDA provider cannot be loaded.
/// </summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Open(string modelPath, bool useCuda, int intraOpThreads, ILogger logger)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model not found: {modelPath}", modelPath);
        }

        if (useCuda)
        {
            var cudaOptions = CreateOptions(intraOpThreads);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(0);
                var session = new InferenceSession(modelPath, cudaOptions);
                logger.LogInformation("{Model}: running on CUDA", Path.GetFileName(modelPath));
                return session;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                logger.LogWarning("{Model}: CUDA execution provider unavailable ({Reason}); falling back to CPU", Path.GetFileName(modelPath), ex.Message);
            }
            finally
            {
                cudaOptions.Dispose();
            }
        }

        using var options = CreateOptions(intraOpThreads);
        return new InferenceSession(modelPath, options);
    }

    private static SessionOptions CreateOptions(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // The arena grows in power-of-two steps as the decoder cache changes size every step and keeps
            // what it took; plain allocations hold a long-running process' memory flat.
            EnableCpuMemArena = false,
        };
        // Worker threads that spin while idle steal cores from the render and encode loops of the same process.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        return options;
    }
}
