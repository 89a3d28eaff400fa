using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using WebAvatar.Onnx;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// A loaded Wav2Lip ONNX model. Inputs are recognised by shape, not name (exports differ): the one with 1 channel is
/// the mel window [B,1,80,16], the one with 6 channels the faces [B,6,S,S]; S (96 or 256) comes from the model.
/// Thread-safe: sessions share it, each with its own <see cref="Wav2LipInference"/> buffers.
/// </summary>
public sealed class Wav2LipModel : IDisposable
{
    private Wav2LipModel(InferenceSession session, string melInput, string faceInput, string output, int faceSize, int maxBatch, string provider)
    {
        Session = session;
        MelInput = melInput;
        FaceInput = faceInput;
        Output = output;
        FaceSize = faceSize;
        MaxBatch = maxBatch;
        Provider = provider;
    }

    internal InferenceSession Session { get; }

    public string MelInput { get; }

    public string FaceInput { get; }

    public string Output { get; }

    /// <summary>Side of the square face crop the model takes and returns.</summary>
    public int FaceSize { get; }

    /// <summary>Largest batch the model accepts (int.MaxValue when the batch dimension is dynamic).</summary>
    public int MaxBatch { get; }

    /// <summary>"CUDA" or "CPU".</summary>
    public string Provider { get; }

    public static Wav2LipModel Load(string path, Wav2LipOptions options, ILogger logger)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Wav2Lip model '{path}' not found; see models/README.md for how to export it.", path);
        }

        InferenceSession session;
        string provider;
        try
        {
            session = OnnxSessions.Open(path, new OnnxSessionSettings(options.IntraOpThreads, options.UseCuda), logger, out provider);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"Wav2Lip model '{path}' could not be loaded: {e.Message}", e);
        }

        try
        {
            return FromSession(session, provider, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static Wav2LipModel FromSession(InferenceSession session, string provider, string path)
    {
        string? mel = null, face = null;
        int faceSize = 0, maxBatch = int.MaxValue;
        foreach (var (name, meta) in session.InputMetadata)
        {
            var dims = meta.Dimensions;
            if (dims.Length != 4 || meta.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
            {
                throw new InvalidOperationException($"Wav2Lip model '{path}': input '{name}' is not a float 4-D tensor.");
            }

            if (dims[0] > 0)
            {
                maxBatch = Math.Min(maxBatch, dims[0]);
            }

            if (dims[1] == 1 && dims[2] == Wav2LipMelSpectrogram.Bands && dims[3] == Wav2LipMelSpectrogram.WindowFrames)
            {
                mel = name;
            }
            else if (dims[1] == 6)
            {
                face = name;
                faceSize = dims[2] > 0 ? dims[2] : 96;
            }
        }

        if (mel is null || face is null || session.OutputMetadata.Count != 1)
        {
            throw new InvalidOperationException(
                $"Wav2Lip model '{path}' does not have Wav2Lip's signature (mel [B,1,80,16], faces [B,6,S,S] -> [B,3,S,S]).");
        }

        return new Wav2LipModel(session, mel, face, session.OutputMetadata.Keys.Single(), faceSize, maxBatch, provider);
    }

    public void Dispose() => Session.Dispose();
}
