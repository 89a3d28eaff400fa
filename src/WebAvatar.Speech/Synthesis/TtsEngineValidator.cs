using Microsoft.Extensions.Options;
using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech.Synthesis;

/// <summary>Start-up checks the attributes cannot express: the selected engine can actually run with these settings.</summary>
internal sealed class TtsEngineValidator : IValidateOptions<TtsOptions>
{
    public ValidateOptionsResult Validate(string? name, TtsOptions options)
    {
        var failures = new List<string>();
        foreach (var (voice, overrides) in options.Piper.Voices)
        {
            if (overrides.Validate() is { } problem)
            {
                failures.Add($"Tts:Piper:Voices:{voice}: {problem}.");
            }
        }

        switch (options.Engine.ToLowerInvariant())
        {
            case TtsEngines.Espeak:
                try
                {
                    EspeakVoiceResolver.Resolve(EspeakRuntime.Shared.Voices, options.Voice ?? EspeakTextToSpeechClient.DefaultVoice);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    failures.Add("Tts (espeak): " + ex.Message);
                }

                break;
            case TtsEngines.Piper:
                var voices = new PiperVoiceStore(AppPaths.Resolve(options.Piper.ModelDirectory), 1).ListVoices();
                if (voices.Count == 0)
                {
                    failures.Add($"Tts (piper): no <voice>.onnx with .onnx.json in '{AppPaths.Resolve(options.Piper.ModelDirectory)}' (Tts:Piper:ModelDirectory).");
                }
                else if (options.Voice is not null && !voices.Contains(options.Voice, StringComparer.OrdinalIgnoreCase))
                {
                    failures.Add($"Tts (piper): voice '{options.Voice}' not found; available: {string.Join(", ", voices)}.");
                }

                break;
            case TtsEngines.OpenAi:
                if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    failures.Add($"Tts (openai): Tts:Endpoint must be an absolute http(s) URL (got '{options.Endpoint}').");
                }

                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
