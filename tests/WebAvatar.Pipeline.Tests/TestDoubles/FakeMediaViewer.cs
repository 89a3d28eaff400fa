using WebAvatar.Media;

namespace WebAvatar.Pipeline.Tests.TestDoubles;

/// <summary>A viewer on the test's clock: heard when the test says so; records when the session closes it.</summary>
internal sealed class FakeMediaViewer(TimeProvider time, string id = "viewer-1") : IMediaViewer
{
    private readonly Lock _gate = new();
    private readonly List<string> _closes = [];
    private DateTimeOffset _lastHeard = time.GetUtcNow();

    public string Id { get; } = id;

    public string Transport => "fake";

    public TimeSpan SinceLastHeard
    {
        get
        {
            lock (_gate)
            {
                return time.GetUtcNow() - _lastHeard;
            }
        }
    }

    public Task Connected { get; } = new TaskCompletionSource().Task;

    public IReadOnlyList<string> Closes
    {
        get
        {
            lock (_gate)
            {
                return [.. _closes];
            }
        }
    }

    /// <summary>Called as the session closes the viewer, before it is recorded.</summary>
    public Action? Closing { get; set; }

    public void Heard()
    {
        lock (_gate)
        {
            _lastHeard = time.GetUtcNow();
        }
    }

    public void Close(string reason)
    {
        Closing?.Invoke();
        lock (_gate)
        {
            _closes.Add(reason);
        }
    }
}
