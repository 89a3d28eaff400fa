namespace WebAvatar.Media;

/// <summary>
/// Receives the session's paced output, one 40 ms <see cref="AvFrame"/> at a time, in index order.
/// <see cref="WriteAsync"/> takes ownership of the frame (the sink disposes it) and may wait briefly
/// for back-pressure; it must stay faster than real time on average.
/// </summary>
public interface IAvFrameSink
{
    ValueTask WriteAsync(AvFrame frame, CancellationToken cancellationToken);
}
