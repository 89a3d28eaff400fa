using Microsoft.ML.OnnxRuntime;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// Preallocated input/output tensors of one renderer for batches up to <see cref="Capacity"/>; OrtValues over the same
/// arrays are made once per batch size and reused, so steady-state inference allocates nothing. Not thread-safe.
/// </summary>
internal sealed class Wav2LipInference : IDisposable
{
    private readonly Wav2LipModel _model;
    private readonly float[] _mel, _faces, _output;
    private readonly Dictionary<int, (OrtValue Mel, OrtValue Faces, OrtValue Output)> _values = [];
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames, _outputNames;

    public Wav2LipInference(Wav2LipModel model, int capacity)
    {
        _model = model;
        Capacity = Math.Min(capacity, model.MaxBatch);
        int s = model.FaceSize;
        _mel = new float[Capacity * MelLength];
        _faces = new float[Capacity * 6 * s * s];
        _output = new float[Capacity * 3 * s * s];
        _inputNames = [model.MelInput, model.FaceInput];
        _outputNames = [model.Output];
    }

    public int Capacity { get; }

    public int FaceSize => _model.FaceSize;

    private static int MelLength => Wav2LipMelSpectrogram.Bands * Wav2LipMelSpectrogram.WindowFrames;

    /// <summary>The [80,16] mel window of batch item <paramref name="item"/>.</summary>
    public Span<float> Mel(int item) => _mel.AsSpan(item * MelLength, MelLength);

    /// <summary>The [6,S,S] planar face input of batch item <paramref name="item"/>: masked face BGR, then reference BGR, /255.</summary>
    public Span<float> Faces(int item) => _faces.AsSpan(item * 6 * FaceSize * FaceSize, 6 * FaceSize * FaceSize);

    /// <summary>The [3,S,S] planar BGR output of batch item <paramref name="item"/>, in [0, 1].</summary>
    public ReadOnlySpan<float> Output(int item) => _output.AsSpan(item * 3 * FaceSize * FaceSize, 3 * FaceSize * FaceSize);

    /// <summary>Runs the model on the first <paramref name="count"/> items (blocks for the inference time).</summary>
    public void Run(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        if (!_values.TryGetValue(count, out var values))
        {
            int s = FaceSize;
            values = (
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mel.AsMemory(0, count * MelLength), [count, 1, Wav2LipMelSpectrogram.Bands, Wav2LipMelSpectrogram.WindowFrames]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _faces.AsMemory(0, count * 6 * s * s), [count, 6, s, s]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, count * 3 * s * s), [count, 3, s, s]));
            _values[count] = values;
        }

        _model.Session.Run(_runOptions, _inputNames, [values.Mel, values.Faces], _outputNames, [values.Output]);
    }

    public void Dispose()
    {
        foreach (var (mel, faces, output) in _values.Values)
        {
            mel.Dispose();
            faces.Dispose();
            output.Dispose();
        }

        _values.Clear();
        _runOptions.Dispose();
    }
}
