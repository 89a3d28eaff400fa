using WebAvatar.Media;
using WebAvatar.Media.Session;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Session;

/// <summary>
/// A listening session, paced in real time into the real session encoder, draws and encodes its idle loop once and then
/// only replays it: the renderer is not asked for idle frames any more while a viewer still gets every slot.
/// </summary>
public sealed class IdleLoopSessionTests
{
    private const int Loop = 100;

    [Fact]
    public async Task A_listening_session_stops_drawing_once_its_idle_loop_is_recorded()
    {
        var renderer = new FlatAvatarRenderer { IdleLoopFrames = Loop };
        using var encoder = new SessionMediaEncoder("idle-loop");
        using var viewer = encoder.Subscribe([MediaCodec.H264], capacity: 4096);
        await using (var session = SessionBuilder.Create(renderer: renderer))
        {
            session.Output = encoder;
            session.Start();

            // Slots 0-99 are live (the idle run is too short at slot 0), 100-199 record the loop, 200 on replay it.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (encoder.FramesWritten < (3 * Loop) - 40)
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        long written = encoder.FramesWritten;
        int poses = 2 * Loop / new Options.PipelineOptions().IdleFrameHold;
        Assert.Equal(poses, renderer.IdleFramesRendered);
        Assert.Equal(written - (2 * Loop), encoder.ReplayedCount(MediaCodec.H264));
        Assert.Equal(2 * Loop, encoder.EncodedCount(MediaCodec.H264));
        int sent = 0;
        while (viewer.Packets.TryRead(out _))
        {
            sent++;
        }

        Assert.Equal(written, sent);
    }
}
