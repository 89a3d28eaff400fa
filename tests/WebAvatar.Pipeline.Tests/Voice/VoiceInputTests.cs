using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing.Doubles;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;
using WebAvatar.Pipeline.Voice;

namespace WebAvatar.Pipeline.Tests.Voice;

/// <summary>
/// Two-step barge-in through a real session and transcriber (energy VAD, no recogniser): the first loud window pauses
/// the avatar, a blip shorter than min speech resumes it with nothing lost, sustained speech interrupts it.
/// </summary>
public class VoiceInputTests
{
    private const int Chunk = 320;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_blip_pauses_the_avatar_and_then_lets_it_finish_its_reply_whole()
    {
        var (session, sink, renderer) = await StartSpeakingAsync();
        await using var _ = session;
        await using var loop = StartLoop(session);
        var reply = session.Say("This is a long line that the operator typed so the avatar talks for several seconds at least.");
        await WaitUntilAsync(() => session.State == ConversationState.Speaking);
        await Task.Delay(400); // past the echo guard

        WriteTone(session, ms: 64);
        await WaitUntilAsync(() => session.IsSpeechPaused);
        WriteSilence(session, ms: 200);
        await WaitUntilAsync(() => !session.IsSpeechPaused, TimeSpan.FromSeconds(3)); // well before the 10 s pause limit

        await reply.Spoken.WaitAsync(Timeout);
        Assert.Equal(renderer.SpeechFramesRendered, sink.Frames.Count(f => f.Speaking));
        Assert.Equal(ConversationState.Listening, session.State);
    }

    [Fact]
    public async Task Sustained_speech_pauses_then_interrupts_the_avatar()
    {
        var (session, sink, renderer) = await StartSpeakingAsync();
        await using var _ = session;
        await using var loop = StartLoop(session);
        TimeSpan? bargeIn = null;
        loop.BargeIn += t => bargeIn = t;
        var reply = session.Say("This is a long line that the operator typed so the avatar talks for several seconds at least.");
        await WaitUntilAsync(() => session.State == ConversationState.Speaking);
        await Task.Delay(400);

        WriteTone(session, ms: 32);
        await WaitUntilAsync(() => session.IsSpeechPaused);
        Assert.Equal(ConversationState.Speaking, session.State); // paused, not yet cancelled
        WriteTone(session, ms: 600);

        await reply.Spoken.WaitAsync(Timeout);
        await WaitUntilAsync(() => bargeIn is not null);
        Assert.Equal(ConversationState.Listening, session.State);
        Assert.False(session.IsSpeechPaused);
        Assert.True(sink.Frames.Count(f => f.Speaking) < renderer.SpeechFramesRendered, "the held reply was dropped");
    }

    private static Task<(ConversationSession Session, CollectingSink Sink, FlatAvatarRenderer Renderer)> StartSpeakingAsync()
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        var session = SessionBuilder.Create(renderer: renderer, options: new PipelineOptions { MaxSpeechPauseMs = 10_000 });
        session.Output = sink;
        session.Start();
        return Task.FromResult((session, sink, renderer));
    }

    private static VoiceInput StartLoop(ConversationSession session)
    {
        // No Silero model: the energy detector treats a loud tone as speech.
        var vadOptions = new VadOptions { ModelPath = "/nonexistent/silero.onnx" };
        var vad = new VoiceActivityDetectorFactory(Microsoft.Extensions.Options.Options.Create(vadOptions)).Create();
        var transcriber = new StreamingTranscriber(vad, null, new WhisperOptions(), vadOptions);
        var loop = new VoiceInput(session, transcriber, NullLogger.Instance);
        loop.Start();
        return loop;
    }

    private static void WriteTone(ConversationSession session, int ms)
    {
        var samples = new short[ms * 16];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(10_000 * Math.Sin(i * 2 * Math.PI * 300 / 16_000));
        }

        Write(session, samples);
    }

    private static void WriteSilence(ConversationSession session, int ms) => Write(session, new short[ms * 16]);

    private static void Write(ConversationSession session, short[] samples)
    {
        for (var pos = 0; pos < samples.Length; pos += Chunk)
        {
            session.Microphone.Write(samples.AsSpan(pos, Math.Min(Chunk, samples.Length - pos)));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the session");
            await Task.Delay(5);
        }
    }
}
