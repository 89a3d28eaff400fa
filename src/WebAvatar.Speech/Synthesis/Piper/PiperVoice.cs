using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using WebAvatar.Onnx;
using WebAvatar.Speech.Synthesis.Espeak;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// One loaded Piper (VITS) voice: the ONNX session and its config. <see cref="Infer"/> blocks on CPU work and is
/// thread-safe (ONNX Runtime sessions allow concurrent runs).
/// </summary>
public sealed class PiperVoice : IDisposable
{
    private const string InputName = "input";
    private const string LengthsName = "input_lengths";
    private const string ScalesName = "scales";
    private const string SpeakerName = "sid";

    private readonly InferenceSession _session;
    private readonly string _outputName;
    private readonly bool _hasSpeakerInput;

    private PiperVoice(string name, string modelPath, PiperVoiceConfig config, EspeakVoiceInfo espeakVoice, InferenceSession session)
    {
        Name = name;
        ModelPath = modelPath;
        Config = config;
        EspeakVoice = espeakVoice;
        _session = session;
        var inputs = session.InputMetadata;
        foreach (var required in new[] { InputName, LengthsName, ScalesName })
        {
            if (!inputs.ContainsKey(required))
            {
                session.Dispose();
                throw new InvalidDataException(
                    $"Piper model '{modelPath}' has no input '{required}' (inputs: {string.Join(", ", inputs.Keys)}); it is not a Piper VITS export.");
            }
        }

        _hasSpeakerInput = inputs.ContainsKey(SpeakerName);
        _outputName = session.OutputMetadata.Keys.First();
    }

    public string Name { get; }

    public string ModelPath { get; }

    public PiperVoiceConfig Config { get; }

    /// <summary>The espeak-ng voice that phonemises text for this model (config espeak.voice).</summary>
    public EspeakVoiceInfo EspeakVoice { get; }

    /// <summary>Loads <paramref name="modelPath"/> and the .onnx.json beside it.</summary>
    public static PiperVoice Load(string modelPath, int intraOpThreads)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Piper model '{modelPath}' not found.", modelPath);
        }

        var config = PiperVoiceConfig.Load(modelPath + ".json");
        var espeakVoice = EspeakVoiceResolver.Resolve(EspeakRuntime.Shared.Voices, config.EspeakVoice);
        InferenceSession session;
        try
        {
            session = OnnxSessions.Open(modelPath, new OnnxSessionSettings(intraOpThreads), NullLogger.Instance, out _);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"Piper model '{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }

        return new PiperVoice(Path.GetFileNameWithoutExtension(modelPath), modelPath, config, espeakVoice, session);
    }

    /// <summary>Runs the model on phoneme ids; returns float audio at <see cref="PiperVoiceConfig.SampleRate"/>. Cancellation terminates the run.</summary>
    public float[] Infer(long[] phonemeIds, PiperScales scales, long speakerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        using var ids = OrtValue.CreateTensorValueFromMemory(phonemeIds, [1, phonemeIds.Length]);
        using var lengths = OrtValue.CreateTensorValueFromMemory(new long[] { phonemeIds.Length }, [1]);
        using var scaleValues = OrtValue.CreateTensorValueFromMemory(new[] { scales.Noise, scales.Length, scales.NoiseW }, [3]);
        using var speaker = OrtValue.CreateTensorValueFromMemory(new[] { speakerId }, [1]);
        var names = new List<string> { InputName, LengthsName, ScalesName };
        var values = new List<OrtValue> { ids, lengths, scaleValues };
        if (_hasSpeakerInput)
        {
            names.Add(SpeakerName);
            values.Add(speaker);
        }

        try
        {
            using var outputs = _session.Run(runOptions, names, values, [_outputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>VITS inference scales: noise_scale, length_scale, noise_w.</summary>
public readonly record struct PiperScales(float Noise, float Length, float NoiseW);
