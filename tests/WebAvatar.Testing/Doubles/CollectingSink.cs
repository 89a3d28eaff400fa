using WebAvatar.Dsp;
using WebAvatar.Media;

namespace WebAvatar.Testing.Doubles;

/// <summary>Records what the pacer emitted (index, speaking, first audio sample energy) and disposes frames.</summary>
public sealed class CollectingSink : IAvFrameSink
{
    private readonly List<(long Index, bool Speaking, string? ReplyId, double Rms, DateTime At)> _frames = [];

    public IReadOnlyList<(long Index, bool Speaking, string? ReplyId, double Rms, DateTime At)> Frames
    {
        get
        {
            lock (_frames)
            {
                return _frames.ToArray();
            }
        }
    }

    public ValueTask WriteAsync(AvFrame frame, CancellationToken cancellationToken)
    {
        lock (_frames)
        {
            _frames.Add((frame.Index, frame.Speaking, frame.ReplyId, AudioLevel.Rms(frame.Audio), DateTime.UtcNow));
        }

        frame.Dispose();
        return ValueTask.CompletedTask;
    }
}
