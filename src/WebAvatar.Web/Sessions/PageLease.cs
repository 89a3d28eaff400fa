using Microsoft.AspNetCore.Components.Server.Circuits;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// A chat page's hold on its session, tied to the page's live connection rather than to Blazor's circuit retention (which
/// kept a dead browser's session for minutes): the hold lapses the moment the connection drops, comes back if it
/// reconnects, and is released when the circuit closes. One per circuit (scoped).
/// </summary>
internal sealed class PageLease : CircuitHandler, IDisposable
{
    private SessionLease? _lease;

    /// <summary>Holds <paramref name="session"/> for this page (releasing any earlier hold).</summary>
    public void Hold(LiveSession session)
    {
        var previous = Interlocked.Exchange(ref _lease, session.Leases.Hold(LeaseKind.Page, "page"));
        previous?.Dispose();
    }

    public void Release() => Interlocked.Exchange(ref _lease, null)?.Dispose();

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Volatile.Read(ref _lease)?.Suspend();
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Volatile.Read(ref _lease)?.KeepAlive();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Release();
        return Task.CompletedTask;
    }

    public void Dispose() => Release();
}
