namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>A clock the test moves: lets audio be fed faster than real time while the transcriber sees real-time pacing.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
