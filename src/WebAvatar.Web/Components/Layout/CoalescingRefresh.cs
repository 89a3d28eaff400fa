namespace WebAvatar.Web.Components.Layout;

/// <summary>
/// Runs a page's reload one at a time: a request made while a reload is under way (a timer tick, a button) runs it once more
/// when that one ends, so the page never shows a listing older than the request. Call from the component's renderer context.
/// </summary>
public sealed class CoalescingRefresh(Func<CancellationToken, Task> reload)
{
    private bool _running;
    private bool _again;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_running)
        {
            _again = true;
            return;
        }

        _running = true;
        try
        {
            do
            {
                _again = false;
                await reload(cancellationToken);
            }
            while (_again && !cancellationToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page has closed.
        }
        finally
        {
            _running = false;
        }
    }
}
