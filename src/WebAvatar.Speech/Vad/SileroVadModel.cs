using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebAvatar.Onnx;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Vad;

/// <summary>
/// Silero VAD v5 on ONNX Runtime: one session shared by every stream (InferenceSession.Run is thread-safe).
/// IO is bound from the session metadata: the audio input is the 2-D float tensor, the recurrent state the
/// 3-D one [2, 1, 128], and the sample rate the int64 scalar.
/// </summary>
public sealed class SileroVadModel : IVoiceProbabilityModel, IDisposable
{
    internal const int SampleRate = 16_000;
    internal const int WindowSamples = 512;
    internal const int ContextSamples = 64;

    private readonly InferenceSession _session;

    public SileroVadModel(string modelPath, ILogger logger, bool useCuda = false)
    {
        _session = OnnxSessions.Open(modelPath, new OnnxSessionSettings(IntraOpThreads: 1, UseCuda: useCuda, FlatMemory: true), logger, out _);
        try
        {
            AudioInput = FindInput(dims => dims.Length == 2, TensorElementType.Float, "audio [1, N]");
            StateInput = FindInput(dims => dims.Length == 3, TensorElementType.Float, "state [2, 1, 128]");
            RateInput = FindInput(dims => dims.Length <= 1, TensorElementType.Int64, "sample rate (int64)");
            var stateDims = _session.InputMetadata[StateInput].Dimensions;
            StateShape = stateDims.Select(d => d > 0 ? (long)d : 1L).ToArray();
            StateShape[0] = stateDims[0] > 0 ? stateDims[0] : 2;
            StateShape[2] = stateDims[2] > 0 ? stateDims[2] : 128;
            RateShape = _session.InputMetadata[RateInput].Dimensions.Length == 0 ? [] : [1];

            var outputs = _session.OutputMetadata;
            ProbabilityOutput = outputs.First(o => o.Value.Dimensions.Length == 2).Key;
            StateOutput = outputs.First(o => o.Value.Dimensions.Length == 3).Key;
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            _session.Dispose();
            throw new InvalidDataException($"{modelPath} does not look like Silero VAD v5 (expected audio, state and sr inputs; output and stateN outputs): {ex.Message}", ex);
        }
    }

    public string Name => "silero-v5";

    internal InferenceSession Session => _session;

    internal string AudioInput { get; }

    internal string StateInput { get; }

    internal string RateInput { get; }

    internal long[] StateShape { get; }

    internal long[] RateShape { get; }

    internal string ProbabilityOutput { get; }

    internal string StateOutput { get; }

    public IVoiceProbabilityStream CreateStream() => new SileroVadStream(this);

    public void Dispose() => _session.Dispose();

    private string FindInput(Func<int[], bool> shape, TensorElementType type, string what)
    {
        foreach (var (name, meta) in _session.InputMetadata)
        {
            if (meta.IsTensor && meta.ElementDataType == type && shape(meta.Dimensions))
            {
                return name;
            }
        }

        throw new InvalidOperationException($"no input for {what}");
    }
}
