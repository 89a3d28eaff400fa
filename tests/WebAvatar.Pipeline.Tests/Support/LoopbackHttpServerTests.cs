using System.Net;
using System.Net.Sockets;
using WebAvatar.Testing;

namespace WebAvatar.Pipeline.Tests.Support;

public sealed class LoopbackHttpServerTests
{
    [Fact]
    public async Task A_port_taken_between_picking_and_binding_is_replaced_by_another()
    {
        // What a parallel test does to us: binds the port we picked before we do.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        int picks = 0;

        using var server = new LoopbackHttpServer(
            context =>
            {
                context.Response.StatusCode = 204;
                return Task.CompletedTask;
            },
            () => picks++ == 0 ? takenPort : FreePort());

        Assert.Equal(2, picks);
        Assert.NotEqual($"http://127.0.0.1:{takenPort}", server.Root);
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Root + "/anything");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_failing_handler_answers_500_and_the_server_keeps_serving()
    {
        int calls = 0;
        using var server = new LoopbackHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("fake broke")
            : Task.CompletedTask);
        using var http = new HttpClient();

        using var failed = await http.GetAsync(server.Root + "/");
        using var served = await http.GetAsync(server.Root + "/");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
