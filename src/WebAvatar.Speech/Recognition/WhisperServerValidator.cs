using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.OpenAiCompatible;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Checks the transcription server's settings ("Asr:OpenAiCompatible") when speech recognition may use them:
/// Whisper:Engine=openai (the endpoint is required), or "auto" with an endpoint set (it is the fallback, so it must be valid).
/// </summary>
internal sealed class WhisperServerValidator(IOptions<OpenAiTranscriptionOptions> server) : IValidateOptions<WhisperOptions>
{
    public ValidateOptionsResult Validate(string? name, WhisperOptions options)
    {
        var engine = options.Engine?.Trim().ToLowerInvariant();
        OpenAiTranscriptionOptions settings;
        try
        {
            settings = server.Value;
        }
        catch (OptionsValidationException ex)
        {
            return engine == WhisperEngines.OpenAi ? ValidateOptionsResult.Fail(ex.Failures) : ValidateOptionsResult.Skip;
        }

        if (engine != WhisperEngines.OpenAi && (engine != WhisperEngines.Auto || string.IsNullOrWhiteSpace(settings.Endpoint)))
        {
            return ValidateOptionsResult.Skip;
        }

        var prefix = OpenAiTranscriptionOptions.SectionName + ":";
        var failures = new List<string>();
        try
        {
            OpenAiEndpoint.Combine(settings.Endpoint, "audio/transcriptions", prefix + nameof(OpenAiTranscriptionOptions.Endpoint));
        }
        catch (ArgumentException ex)
        {
            failures.Add($"Whisper:Engine is {engine}: {ex.Message}");
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        failures.AddRange(results
            .Where(r => !r.MemberNames.Contains(nameof(OpenAiTranscriptionOptions.Endpoint)))
            .Select(r => $"{prefix}{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
