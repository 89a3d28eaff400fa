using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing.Doubles;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;
using WebAvatar.Pipeline.Voice;
using static WebAvatar.Pipeline.Tests.Voice.MicrophoneFeed;

namespace WebAvatar.Pipeline.Tests.Voice;

/// <summary>
/// Two-step barge-in through a real session and transcriber (energy VAD, no recogniser): the first loud window pauses
/// the avatar, a blip shorter than min speech resumes it with nothing lost, sustained speech interrupts it.
/// </summary>
public class VoiceInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_blip_pauses_the_avatar_and_then_lets_it_finish_its_reply_whole()
    {
        var (session, sink, renderer) = await StartSpeakingAsync();
        await using var _ = session;
        await using var loop = MicrophoneFeed.StartVoice(session);
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
        await using var loop = MicrophoneFeed.StartVoice(session);
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
}
