using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Live;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Web.Health;

/// <summary>Answers "what is running and what was found" for the health page, the chat page banner and /api/health.</summary>
public sealed class EngineCatalog(
    LlmClientProvider llm,
    ITextToSpeechClient tts,
    ConversationSessionFactory sessions,
    IEnumerable<IAvatarRendererFactory> renderers,
    SessionRegistry sessionRegistry,
    Speech.Vad.VoiceActivityDetectorFactory vad,
    Speech.Recognition.StreamingTranscriberFactory transcribers,
    IOptions<WebAvatarOptions> installation,
    IOptions<AvatarOptions> avatarOptions,
    IOptions<TtsOptions> ttsOptions)
{
    /// <summary>The ASR engine named when the server has no model and chat pages listen with the browser's recognizer.</summary>
    public const string BrowserRecognizer = "browser speech recognition";

    /// <summary>No server model: voice input still works, through the browser, and the report says what that means.</summary>
    private static EngineStatus BrowserRecognition(string why) => new(
        "ASR",
        BrowserRecognizer,
        true,
        $"No Whisper model on the server ({why}); chat pages use the browser's own speech recognition (Web Speech API: Chrome, Edge, Safari), " +
        "which may send the audio to the browser vendor. Install a model with scripts/fetch-voice-model.sh (run.sh does when online).");

    public async Task<HealthReport> GetReportAsync(CancellationToken cancellationToken)
    {
        var modelsFolder = AppPaths.Resolve(installation.Value.ModelsPath);
        var models = FindModels(modelsFolder);
        var engines = new List<EngineStatus>();

        var (_, llmStatus) = await llm.GetAsync(cancellationToken);
        engines.Add(llmStatus.IsEcho
            ? new EngineStatus("LLM", "echo mode", true, llmStatus.Reason)
            : new EngineStatus("LLM", $"{llmStatus.Provider} {llmStatus.Model}", true, llmStatus.Reason));

        var ttsMeta = tts.GetService<TextToSpeechClientMetadata>();
        engines.Add(new EngineStatus("TTS", ttsMeta?.ProviderName ?? tts.GetType().Name, true,
            $"voice {ttsOptions.Value.Voice ?? "default"}" + (ttsMeta?.DefaultModelId is { Length: > 0 } m ? $", model {m}" : string.Empty)));

        string lipSyncSetting = avatarOptions.Value.LipSyncEngineName;
        string selected;
        try
        {
            selected = sessions.SelectRenderer(lipSyncSetting).EngineName;
        }
        catch (AvatarException ex)
        {
            selected = "none: " + ex.Message;
        }

        foreach (var renderer in renderers)
        {
            engines.Add(new EngineStatus("Lip-sync", renderer.EngineName, renderer.EngineName == selected,
                renderer.EngineName == selected ? $"in use ({lipSyncSetting})" : renderer.IsAvailable ? "available" : "model files missing"));
        }

        bool silero = !vad.EngineName.Equals("energy", StringComparison.OrdinalIgnoreCase);
        engines.Add(new EngineStatus("VAD", silero ? "Silero VAD v5" : "energy fallback", silero,
            silero ? AppPaths.Resolve(vad.Options.ModelPath) : $"{vad.Options.ModelPath} missing: run scripts/setup.sh"));

        var asr = transcribers.Recognizer;
        engines.Add(asr.Active
            ? new EngineStatus("ASR", asr.Engine, true, asr.CurrentDetail)
            : BrowserRecognition(asr.Detail.Replace("Voice input disabled: ", string.Empty, StringComparison.Ordinal)));

        var avatar = AppPaths.Resolve(avatarOptions.Value.Path);
        engines.Add(new EngineStatus("Avatar", Path.GetFileName(avatar), File.Exists(avatar), File.Exists(avatar) ? avatar : "missing: " + avatar));

        return new HealthReport(engines, models, modelsFolder, sessionRegistry.Count, sessionRegistry.Capacity);
    }

    private static List<ModelFile> FindModels(string folder)
    {
        var found = new List<ModelFile>();
        if (!Directory.Exists(folder))
        {
            return found;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "ggml-*.bin"))
        {
            found.Add(new ModelFile("Whisper (ggml)", file, new FileInfo(file).Length));
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.onnx", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            var relative = Path.GetRelativePath(folder, file);
            string? kind = name.StartsWith("silero_vad", StringComparison.OrdinalIgnoreCase) ? "Silero VAD"
                : relative.StartsWith("whisper-", StringComparison.OrdinalIgnoreCase) && name.StartsWith("encoder_model", StringComparison.OrdinalIgnoreCase) ? "Whisper"
                : relative.StartsWith("piper", StringComparison.OrdinalIgnoreCase) ? "Piper voice"
                : name.StartsWith("wav2lip", StringComparison.OrdinalIgnoreCase) ? "Wav2Lip"
                : name.Contains("yunet", StringComparison.OrdinalIgnoreCase) ? "YuNet face detector"
                : null;
            if (kind is not null)
            {
                found.Add(new ModelFile(kind, file, new FileInfo(file).Length));
            }
        }

        return found.OrderBy(m => m.Kind).ThenBy(m => m.Path).ToList();
    }
}
