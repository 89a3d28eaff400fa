using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebAvatar.Onnx;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// A loaded Whisper export: encoder_model.onnx (input_features -> last_hidden_state) and the merged decoder
/// (input_ids, encoder_hidden_states, past_key_values.{i}.{decoder|encoder}.{key|value}, use_cache_branch -> logits,
/// present.*). Dimensions are read from the sessions' metadata. Thread-safe: per-utterance state lives in
/// <see cref="WhisperDecoderState"/>.
/// </summary>
public sealed class WhisperOnnxModel : IDisposable
{
    internal const string UseCacheInput = "use_cache_branch";

    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;

    private WhisperOnnxModel(WhisperModelFiles files, InferenceSession encoder, InferenceSession decoder)
    {
        Files = files;
        _encoder = encoder;
        _decoder = decoder;
        Tokenizer = WhisperTokenizer.Load(files.Directory);
        Generation = WhisperGenerationConfig.Load(files.Directory);

        EncoderInput = encoder.InputMetadata.Keys.FirstOrDefault(n => n == "input_features")
            ?? throw Invalid("encoder has no input_features input");
        var featureDims = encoder.InputMetadata[EncoderInput].Dimensions;
        if (featureDims.Length != 3 || featureDims[1] <= 0)
        {
            throw Invalid($"encoder input_features should be [batch, n_mels, 3000], is [{string.Join(", ", featureDims)}]");
        }

        MelBins = featureDims[1];
        EncoderOutput = encoder.OutputMetadata.Keys.FirstOrDefault(n => n == "last_hidden_state") ?? encoder.OutputNames[0];

        var inputs = decoder.InputMetadata;
        foreach (var required in new[] { "input_ids", "encoder_hidden_states", UseCacheInput, "past_key_values.0.decoder.key" })
        {
            if (!inputs.ContainsKey(required))
            {
                throw Invalid($"decoder has no {required} input (a merged decoder export, decoder_model_merged.onnx, is required)");
            }
        }

        DecoderLayers = 0;
        while (inputs.ContainsKey($"past_key_values.{DecoderLayers}.decoder.key"))
        {
            DecoderLayers++;
        }

        var pastDims = inputs["past_key_values.0.decoder.key"].Dimensions;
        if (pastDims.Length != 4 || pastDims[1] <= 0 || pastDims[3] <= 0)
        {
            throw Invalid($"past_key_values.0.decoder.key should be [batch, heads, past, head_dim] with fixed heads and head_dim, is [{string.Join(", ", pastDims)}]");
        }

        Heads = pastDims[1];
        HeadDim = pastDims[3];
        if (inputs["encoder_hidden_states"].ElementDataType != TensorElementType.Float)
        {
            throw Invalid("only float32 decoders are supported (fp16 exports are not)");
        }

        DecoderInputNames = inputs.Keys.ToArray();
        PresentNames = decoder.OutputNames.Where(n => n.StartsWith("present.", StringComparison.Ordinal)).ToArray();
        LogitsOutput = decoder.OutputNames.FirstOrDefault(n => n == "logits") ?? throw Invalid("decoder has no logits output");
    }

    public WhisperModelFiles Files { get; }

    public WhisperTokenizer Tokenizer { get; }

    public WhisperGenerationConfig Generation { get; }

    /// <summary>Mel bands the encoder expects (80, or 128 for large-v3).</summary>
    public int MelBins { get; }

    public int DecoderLayers { get; }

    public int Heads { get; }

    public int HeadDim { get; }

    internal string EncoderInput { get; }

    internal string EncoderOutput { get; }

    internal string LogitsOutput { get; }

    internal IReadOnlyList<string> DecoderInputNames { get; }

    internal IReadOnlyList<string> PresentNames { get; }

    internal InferenceSession Decoder => _decoder;

    // The decoder cache changes size every step: no memory arena, so memory stays flat over a long session.
    private static OnnxSessionSettings Settings(WhisperOptions options) => new(options.IntraOpThreads, options.UseCuda, FlatMemory: true);

    public static WhisperOnnxModel Load(WhisperModelFiles files, WhisperOptions options, ILogger logger)
    {
        var encoder = OnnxSessions.Open(files.EncoderPath, Settings(options), logger, out _);
        InferenceSession? decoder = null;
        try
        {
            decoder = OnnxSessions.Open(files.DecoderPath, Settings(options), logger, out _);
            return new WhisperOnnxModel(files, encoder, decoder);
        }
        catch
        {
            encoder.Dispose();
            decoder?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the encoder on [1, <see cref="MelBins"/>, 3000] features (the memory must stay untouched during the call).
    /// Returns last_hidden_state [1, 1500, d]; the caller disposes it. Blocks for the inference.
    /// </summary>
    public OrtValue Encode(Memory<float> features, RunOptions runOptions)
    {
        var expected = MelBins * WhisperFeatureExtractor.Frames;
        if (features.Length != expected)
        {
            throw new ArgumentException($"features must hold {MelBins} x {WhisperFeatureExtractor.Frames} = {expected} floats, got {features.Length}.", nameof(features));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features, [1, MelBins, WhisperFeatureExtractor.Frames]);

        // One output: the caller takes ownership of it, so the result list itself is not disposed.
        var outputs = _encoder.Run(runOptions, [EncoderInput], [input], [EncoderOutput]);
        return outputs.First();
    }

    /// <summary>Starts decoding one utterance over <paramref name="encoderHiddenStates"/> (borrowed: keep it alive until the state is disposed).</summary>
    public WhisperDecoderState StartDecoding(OrtValue encoderHiddenStates) => new(this, encoderHiddenStates);

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    private InvalidDataException Invalid(string what) =>
        new($"{Files.Describe()} is not a usable Whisper ONNX export: {what}.");
}
