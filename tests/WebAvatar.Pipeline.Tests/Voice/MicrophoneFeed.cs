using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Voice;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Pipeline.Tests.Voice;

/// <summary>
/// What the voice-input tests feed a session: its voice input on the energy detector (no Silero model, so a loud tone
/// is speech), tones and silence in 20 ms chunks as the WebRTC path delivers them, and a wait for the session.
/// </summary>
internal static class MicrophoneFeed
{
    private const int Chunk = 320;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Starts voice input on <paramref name="session"/> with <paramref name="recognizer"/> (null: finals are empty).</summary>
    public static VoiceInput StartVoice(ConversationSession session, IUtteranceRecognizer? recognizer = null, WhisperOptions? options = null)
    {
        var vadOptions = new VadOptions { ModelPath = "/nonexistent/silero.onnx" };
        var vad = new VoiceActivityDetectorFactory(Microsoft.Extensions.Options.Options.Create(vadOptions)).Create();
        var transcriber = new StreamingTranscriber(vad, recognizer, options ?? new WhisperOptions(), vadOptions);
        var voice = new VoiceInput(session, transcriber, NullLogger.Instance);
        voice.Start();
        return voice;
    }

    public static void WriteTone(ConversationSession session, int ms)
    {
        var samples = new short[ms * 16];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(10_000 * Math.Sin(i * 2 * Math.PI * 300 / 16_000));
        }

        Write(session, samples);
    }

    public static void WriteSilence(ConversationSession session, int ms) => Write(session, new short[ms * 16]);

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the session");
            await Task.Delay(5);
        }
    }

    private static void Write(ConversationSession session, short[] samples)
    {
        for (var pos = 0; pos < samples.Length; pos += Chunk)
        {
            session.Microphone.Write(samples.AsSpan(pos, Math.Min(Chunk, samples.Length - pos)));
        }
    }
}
