using System.Net;
using System.Net.Sockets;

namespace WebAvatar.Testing;

/// <summary>What the real servers that tests start (nginx-rtmp, PostgreSQL) have in common: a free loopback port, a hard kill, a temp folder.</summary>
public static class TestServers
{
    /// <summary>A port that was free a moment ago (the OS picks it; a server started at once gets it).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Kills a server started by a test, with its children, and waits for it: as a crash or network loss would.</summary>
    public static async Task KillAsync(System.Diagnostics.Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Deletes a test server's temp folder; a leftover is harmless.</summary>
    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
