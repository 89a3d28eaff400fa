using Microsoft.Extensions.AI;
using WebAvatar.Data.Entities;
using WebAvatar.Speech;

namespace WebAvatar.Web.Admin.Voices;

/// <summary>Synthesises a short line with the app's TTS engine and returns it as a WAV file for the browser.</summary>
public sealed class VoicePreviewService(ITextToSpeechClient tts)
{
    public const int MaxChars = 300;

    /// <summary>The engine that speaks in chats and previews, as it names itself.</summary>
    public string EngineName => tts.GetService<TextToSpeechClientMetadata>()?.ProviderName ?? tts.GetType().Name;

    public async Task<byte[]> SynthesizeWavAsync(string text, VoiceBinding voice, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Type a line to preview.", nameof(text));
        }

        if (text.Length > MaxChars)
        {
            throw new ArgumentException($"Previews are limited to {MaxChars} characters.", nameof(text));
        }

        var options = new TextToSpeechOptions { VoiceId = voice.VoiceId, Speed = voice.Speed, Pitch = voice.Pitch };
        var response = await tts.GetAudioAsync(text, options, cancellationToken);
        using var pcm = new MemoryStream();
        int rate = 0;
        foreach (var content in response.Contents.OfType<DataContent>())
        {
            if (!PcmAudioContent.TryGetSampleRate(content, out int contentRate))
            {
                if (content.MediaType.StartsWith("audio/wav", StringComparison.OrdinalIgnoreCase) || content.MediaType.StartsWith("audio/x-wav", StringComparison.OrdinalIgnoreCase))
                {
                    return content.Data.ToArray();
                }

                throw new NotSupportedException($"The TTS engine returned '{content.MediaType}', which the preview cannot play.");
            }

            if (rate != 0 && rate != contentRate)
            {
                throw new NotSupportedException("The TTS engine changed sample rate within one reply.");
            }

            rate = contentRate;
            pcm.Write(content.Data.Span);
        }

        if (rate == 0)
        {
            throw new InvalidOperationException("The TTS engine returned no audio for this line.");
        }

        return Dsp.WavFile.FromPcm16(pcm.GetBuffer().AsSpan(0, (int)pcm.Length), rate);
    }
}
