using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// The key/value cache of one utterance on the merged decoder. Step 0 runs with empty past tensors and
/// use_cache_branch = false (the decoder then computes the cross-attention keys from the encoder output); later steps
/// feed back present.*.decoder.* and the step-0 present.*.encoder.*. Not thread-safe; dispose after the utterance.
/// </summary>
public sealed class WhisperDecoderState : IDisposable
{
    private readonly WhisperOnnxModel _model;
    private readonly OrtValue _encoderHiddenStates;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly string[] _firstStepOutputs;
    private readonly string[] _laterStepOutputs;
    private readonly bool[] _useCache = [false];
    private readonly OrtValue _useCacheValue;
    private readonly int _idsIndex;
    private IDisposableReadOnlyCollection<OrtValue>? _lastOutputs;
    private bool _disposed;

    internal WhisperDecoderState(WhisperOnnxModel model, OrtValue encoderHiddenStates)
    {
        _model = model;
        _encoderHiddenStates = encoderHiddenStates;
        _inputNames = model.DecoderInputNames.ToArray();
        _inputs = new OrtValue[_inputNames.Length];
        _inputIndex = _inputNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        _useCacheValue = OrtValue.CreateTensorValueFromMemory(_useCache, [1]);
        _idsIndex = _inputIndex["input_ids"];

        long[] emptyPast = [1, model.Heads, 0, model.HeadDim];
        foreach (var name in _inputNames)
        {
            _inputs[_inputIndex[name]] = name switch
            {
                "input_ids" => null!,
                "encoder_hidden_states" => encoderHiddenStates,
                WhisperOnnxModel.UseCacheInput => _useCacheValue,
                _ when name.StartsWith("past_key_values.", StringComparison.Ordinal) =>
                    OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, emptyPast),
                _ => throw new InvalidDataException($"{model.Files.Describe()}: the decoder input {name} is not supported."),
            };
        }

        _firstStepOutputs = [model.LogitsOutput, .. model.PresentNames];
        _laterStepOutputs = [model.LogitsOutput, .. model.PresentNames.Where(n => n.Contains(".decoder.", StringComparison.Ordinal))];
    }

    /// <summary>Tokens already in the cache (the present.*.decoder sequence length).</summary>
    public int PastLength { get; private set; }

    /// <summary>Decoder steps run so far.</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// Feeds <paramref name="tokenIds"/> (the prompt on step 0, then one token per step) and returns the logits of the
    /// last position. The returned span is valid until the next call or <see cref="Dispose"/>. Blocks for inference.
    /// </summary>
    public ReadOnlySpan<float> Step(ReadOnlySpan<long> tokenIds, RunOptions runOptions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tokenIds.IsEmpty)
        {
            throw new ArgumentException("At least one token is needed per decoder step.", nameof(tokenIds));
        }

        var ids = tokenIds.ToArray();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        _inputs[_idsIndex] = idsValue;
        _useCache[0] = Steps > 0;
        var outputNames = Steps == 0 ? _firstStepOutputs : _laterStepOutputs;
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _model.Decoder.Run(runOptions, _inputNames, _inputs, outputNames);
        }
        finally
        {
            _inputs[_idsIndex] = null!;
        }

        // The cache moves into the inputs: dispose the past it replaces, keep the step-0 encoder keys for good.
        var results = outputs.ToArray();
        for (var i = 1; i < outputNames.Length; i++)
        {
            var pastName = "past_key_values." + outputNames[i]["present.".Length..];
            var slot = _inputIndex[pastName];
            _inputs[slot].Dispose();
            _inputs[slot] = results[i];
        }

        PastLength = (int)_inputs[_inputIndex["past_key_values.0.decoder.key"]].GetTensorTypeAndShape().Shape[2];
        Steps++;

        // Only the logits remain owned by the result list; it is released on the next step.
        _lastOutputs?.First().Dispose();
        _lastOutputs = outputs;
        var logits = results[0];
        var shape = logits.GetTensorTypeAndShape().Shape;
        var vocab = (int)shape[2];
        return logits.GetTensorDataAsSpan<float>().Slice((int)(shape[1] - 1) * vocab, vocab);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lastOutputs?.First().Dispose();
        for (var i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i] is { } value && !ReferenceEquals(value, _encoderHiddenStates) && !ReferenceEquals(value, _useCacheValue))
            {
                value.Dispose();
            }
        }

        _useCacheValue.Dispose();
    }
}
