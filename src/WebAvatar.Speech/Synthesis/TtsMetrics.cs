using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// Per-request TTS timing. Engines stamp every streamed update with <see cref="FirstAudioMsKey"/> and
/// <see cref="RealTimeFactorKey"/> (so a session reads its own figures from the updates it consumes) and
/// record finished requests on the <see cref="MeterName"/> meter (histograms tagged by engine).
/// </summary>
public static class TtsMetrics
{
    public const string MeterName = "WebAvatar.Speech.Tts";

    /// <summary>Milliseconds from the request to its first audio (double).</summary>
    public const string FirstAudioMsKey = PcmAudioContent.FirstAudioMsKey;

    /// <summary>Synthesis time divided by audio duration so far (double; below 1 is faster than real time).</summary>
    public const string RealTimeFactorKey = PcmAudioContent.RealTimeFactorKey;

    /// <summary>Audio duration in seconds of this update (double).</summary>
    public const string AudioSecondsKey = "webavatar.ttsAudioSeconds";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> FirstAudio = Meter.CreateHistogram<double>("webavatar.tts.first_audio", "ms", "Time from TTS request to its first audio.");
    private static readonly Histogram<double> RealTimeFactor = Meter.CreateHistogram<double>("webavatar.tts.rtf", null, "Synthesis time / audio duration per TTS request.");

    /// <summary>Raised after each completed request; handlers run synchronously on the engine's thread and must be quick.</summary>
    public static event Action<TtsRequestMeasurement>? RequestMeasured;

    /// <summary>Figures for a whole response: first-audio and RTF of the last update (cumulative), total audio length.</summary>
    internal static AdditionalPropertiesDictionary? Summarize(Microsoft.Extensions.AI.TextToSpeechResponseUpdate? last, double audioSeconds)
    {
        if (last?.AdditionalProperties is not { } properties)
        {
            return null;
        }

        return new AdditionalPropertiesDictionary
        {
            [FirstAudioMsKey] = properties[FirstAudioMsKey],
            [RealTimeFactorKey] = properties[RealTimeFactorKey],
            [AudioSecondsKey] = audioSeconds,
        };
    }

    internal static void Record(TtsRequestMeasurement measurement)
    {
        var tag = new KeyValuePair<string, object?>("engine", measurement.Engine);
        FirstAudio.Record(measurement.FirstAudio.TotalMilliseconds, tag);
        RealTimeFactor.Record(measurement.RealTimeFactor, tag);
        RequestMeasured?.Invoke(measurement);
    }
}

/// <summary>Timing of one finished TTS request.</summary>
public sealed record TtsRequestMeasurement(string Engine, TimeSpan FirstAudio, TimeSpan AudioDuration, TimeSpan SynthesisTime)
{
    public double RealTimeFactor => AudioDuration > TimeSpan.Zero ? SynthesisTime / AudioDuration : 0;
}
