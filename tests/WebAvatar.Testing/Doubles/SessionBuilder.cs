using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Telemetry;

namespace WebAvatar.Testing.Doubles;

/// <summary>A conversation session on test boundaries: echo LLM, tone TTS and flat renderer unless given others.</summary>
public static class SessionBuilder
{
    public static ConversationSession Create(IChatClient? chat = null, ITextToSpeechClient? tts = null, FlatAvatarRenderer? renderer = null, PipelineOptions? options = null, WebAvatarTelemetry? telemetry = null) =>
        new(
            "test",
            chat ?? new EchoChatClient(),
            new LlmStatus("test", "", chat is null, "test"),
            tts ?? new ToneTextToSpeechClient(),
            new TextToSpeechOptions { VoiceId = "en-us" },
            renderer ?? new FlatAvatarRenderer(),
            options ?? new PipelineOptions(),
            new LlmOptions(),
            NullLogger.Instance,
            telemetry);
}
