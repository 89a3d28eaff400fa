using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using WebAvatar.Speech;

namespace WebAvatar.Testing.Doubles;

/// <summary>Test boundary TTS: 60 ms of tone per character at 22.05 kHz, with one mark per character; records calls.</summary>
public sealed class ToneTextToSpeechClient : ITextToSpeechClient
{
    public const int Rate = 22050;

    public List<(string Text, DateTime At)> Calls { get; } = [];

    public Action<string>? OnCall { get; set; }

    public TimeSpan DelayPerCall { get; set; } = TimeSpan.Zero;

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<TextToSpeechResponseUpdate>();
        await foreach (var u in GetStreamingAudioAsync(text, options, cancellationToken))
        {
            updates.Add(u);
        }

        return updates.ToTextToSpeechResponse();
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add((text, DateTime.UtcNow));
        }

        OnCall?.Invoke(text);
        if (DelayPerCall > TimeSpan.Zero)
        {
            await Task.Delay(DelayPerCall, cancellationToken);
        }

        int perChar = Rate * 60 / 1000;
        var samples = new short[text.Length * perChar];
        var marks = new List<PhonemeMark>();
        for (int c = 0; c < text.Length; c++)
        {
            bool voiced = char.IsLetter(text[c]);
            marks.Add(new PhonemeMark(c * perChar, text[c].ToString(), voiced ? Viseme.Open : Viseme.Rest));
            for (int i = 0; i < perChar; i++)
            {
                samples[c * perChar + i] = voiced ? (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / Rate)) : (short)0;
            }
        }

        yield return new TextToSpeechResponseUpdate([PcmAudioContent.Create(samples, Rate, marks)])
        {
            AdditionalProperties = new AdditionalPropertiesDictionary { [PcmAudioContent.RealTimeFactorKey] = 0.25, [PcmAudioContent.FirstAudioMsKey] = 12.0 },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
