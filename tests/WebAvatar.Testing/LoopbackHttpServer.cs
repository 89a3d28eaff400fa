using System.Net;
using System.Net.Sockets;

namespace WebAvatar.Testing;

/// <summary>
/// An HttpListener on a free 127.0.0.1 port for fake servers in tests. Each request runs <c>handle</c> on the thread pool;
/// the helper closes the response afterwards and answers 500 when the handler throws.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private const int MaxAttempts = 10;

    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly HttpListener _listener;
    private readonly Task _loop;

    /// <param name="handle">Writes the response (status, headers, body); need not close it.</param>
    /// <param name="pickPort">Where to try to listen; defaults to a port the OS reports free.</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle, Func<int>? pickPort = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        (_listener, Root) = StartOnFreePort(pickPort ?? FreePort);
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>"http://127.0.0.1:PORT", without a trailing slash.</summary>
    public string Root { get; }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }

    private static (HttpListener Listener, string Root) StartOnFreePort(Func<int> pickPort)
    {
        for (int attempt = 1; ; attempt++)
        {
            // A free port can be taken by a parallel test between picking and binding it, and a listener whose Start
            // failed is closed for good: each attempt takes a new port and a new listener.
            string root = $"http://127.0.0.1:{pickPort()}";
            var listener = new HttpListener();
            listener.Prefixes.Add(root + "/");
            try
            {
                listener.Start();
                return (listener, root);
            }
            catch (HttpListenerException) when (attempt < MaxAttempts)
            {
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            await _handle(context).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The client sees the fake's failure as a 500 instead of a hung request.
            TrySetStatus(response, 500);
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException or IOException)
            {
                // The client went away, or the server was disposed mid-response.
            }
        }
    }

    private static void TrySetStatus(HttpListenerResponse response, int status)
    {
        try
        {
            response.StatusCode = status;
        }
        catch (InvalidOperationException)
        {
            // Headers already sent: the truncated body tells the client.
        }
    }
}
