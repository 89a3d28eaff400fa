using Microsoft.ML.OnnxRuntime;

namespace WebAvatar.Speech.Vad;

/// <summary>
/// Per-stream Silero state. All tensors are preallocated and pinned once; the recurrent state ping-pongs
/// between two buffers so a window costs no allocation.
/// </summary>
internal sealed class SileroVadStream : IVoiceProbabilityStream
{
    private readonly SileroVadModel _model;
    private readonly float[] _input = new float[SileroVadModel.ContextSamples + SileroVadModel.WindowSamples];
    private readonly float[][] _states;
    private readonly float[] _probability = new float[1];
    private readonly long[] _rate = [SileroVadModel.SampleRate];
    private readonly OrtValue[] _owned;
    private readonly OrtValue[][] _inputs = new OrtValue[2][];
    private readonly OrtValue[][] _outputs = new OrtValue[2][];
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private int _parity;

    public SileroVadStream(SileroVadModel model)
    {
        _model = model;
        var stateLength = (int)model.StateShape.Aggregate(1L, (a, b) => a * b);
        _states = [new float[stateLength], new float[stateLength]];
        var audio = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
        var rate = OrtValue.CreateTensorValueFromMemory(_rate, model.RateShape);
        var stateA = OrtValue.CreateTensorValueFromMemory(_states[0], model.StateShape);
        var stateB = OrtValue.CreateTensorValueFromMemory(_states[1], model.StateShape);
        var probability = OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]);
        _owned = [audio, rate, stateA, stateB, probability];
        _inputNames = [model.AudioInput, model.StateInput, model.RateInput];
        _outputNames = [model.ProbabilityOutput, model.StateOutput];
        _inputs[0] = [audio, stateA, rate];
        _outputs[0] = [probability, stateB];
        _inputs[1] = [audio, stateB, rate];
        _outputs[1] = [probability, stateA];
    }

    public int WindowSamples => SileroVadModel.WindowSamples;

    public float Process(ReadOnlySpan<float> window)
    {
        if (window.Length != SileroVadModel.WindowSamples)
        {
            throw new ArgumentException($"Silero VAD needs windows of exactly {SileroVadModel.WindowSamples} samples, got {window.Length}.", nameof(window));
        }

        window.CopyTo(_input.AsSpan(SileroVadModel.ContextSamples));
        _model.Session.Run(_runOptions, _inputNames, _inputs[_parity], _outputNames, _outputs[_parity]);
        _parity ^= 1;

        // The last 64 samples of this window are the context of the next one.
        _input.AsSpan(_input.Length - SileroVadModel.ContextSamples).CopyTo(_input);
        return Math.Clamp(_probability[0], 0f, 1f);
    }

    public void Reset()
    {
        Array.Clear(_input);
        Array.Clear(_states[0]);
        Array.Clear(_states[1]);
        _parity = 0;
    }

    public void Dispose()
    {
        foreach (var value in _owned)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
    }
}
