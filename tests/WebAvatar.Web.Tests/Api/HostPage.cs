using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebAvatar.Web.Tests.Api;

/// <summary>A second origin on loopback (http://localhost:port) serving one page.</summary>
internal sealed class HostPage : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    private HostPage(int port)
    {
        Origin = $"http://localhost:{port}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Origin { get; }

    public string Html { get; set; } = "<!doctype html><p>not ready</p>";

    /// <summary>A plain page of another site with the avatar added by one script tag (the widget of <paramref name="app"/>).</summary>
    /// <param name="head">Extra markup for the head, run before the widget (a test's hooks).</param>
    public static string WidgetPage(Uri app, string secret, string head = "") => $"""
        <!doctype html>
        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A shop</title>{head}</head>
        <body style="font-family: serif; background: #fafafa; margin: 40px">
          <h1>Garden tools</h1><p>A plain page on another site, with the avatar added by one script tag.</p>
          <script src="{app.GetLeftPart(UriPartial.Authority)}/widget.js" data-key="{secret}" data-title="Ask our avatar"></script>
        </body></html>
        """;

    public static HostPage Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new HostPage(port);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            var body = Encoding.UTF8.GetBytes(context.Request.Url?.AbsolutePath == "/" ? Html : string.Empty);
            context.Response.StatusCode = context.Request.Url?.AbsolutePath == "/" ? 200 : 404;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
