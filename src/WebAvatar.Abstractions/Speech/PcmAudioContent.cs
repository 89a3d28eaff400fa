using Microsoft.Extensions.AI;

namespace WebAvatar.Speech;

/// <summary>
/// How WebAvatar's TTS engines put raw audio and phoneme timing into Microsoft.Extensions.AI contents:
/// audio is a <see cref="DataContent"/> of little-endian signed 16-bit mono PCM with media type
/// <c>audio/pcm;rate=NNNN</c>, and the phoneme marks ride in <see cref="AIContent.AdditionalProperties"/>.
/// </summary>
public static class PcmAudioContent
{
    public const string MarksKey = "webavatar.phonemeMarks";

    /// <summary>On a TTS update's AdditionalProperties: milliseconds from the request to its first audio (double).</summary>
    public const string FirstAudioMsKey = "webavatar.ttsFirstAudioMs";

    /// <summary>On a TTS update's AdditionalProperties: synthesis time / audio duration so far (double).</summary>
    public const string RealTimeFactorKey = "webavatar.ttsRtf";

    public static string MediaTypeFor(int sampleRate) => $"audio/pcm;rate={sampleRate}";

    public static DataContent Create(ReadOnlySpan<short> samples, int sampleRate, IReadOnlyList<PhonemeMark>? marks = null)
    {
        var bytes = new byte[samples.Length * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples).CopyTo(bytes);
        var content = new DataContent(bytes, MediaTypeFor(sampleRate));
        if (marks is not null)
        {
            content.AdditionalProperties = new AdditionalPropertiesDictionary { [MarksKey] = marks };
        }

        return content;
    }

    /// <summary>True when <paramref name="content"/> is PCM in our format; returns its rate.</summary>
    public static bool TryGetSampleRate(DataContent content, out int sampleRate)
    {
        sampleRate = 0;
        const string prefix = "audio/pcm;rate=";
        return content.MediaType.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(content.MediaType.AsSpan(prefix.Length), out sampleRate)
            && sampleRate > 0;
    }

    public static short[] GetSamples(DataContent content)
    {
        var span = content.Data.Span;
        var samples = new short[span.Length / 2];
        span[..(samples.Length * 2)].CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));
        return samples;
    }

    public static IReadOnlyList<PhonemeMark> GetMarks(AIContent content) =>
        content.AdditionalProperties?.TryGetValue(MarksKey, out var value) == true && value is IReadOnlyList<PhonemeMark> marks
            ? marks
            : [];
}
