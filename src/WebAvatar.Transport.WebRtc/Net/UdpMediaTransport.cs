using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Transport.WebRtc.Ice;

namespace WebAvatar.Transport.WebRtc.Net;

/// <summary>
/// The single UDP socket every WebRTC peer shares. A dedicated thread receives datagrams, classifies them by
/// first byte (RFC 7983) and routes them: STUN by the local ICE ufrag in USERNAME, everything else by the
/// source address a valid STUN check established. Datagrams from unknown sources or with unknown first
/// bytes are counted and dropped; a handler failure is logged and never stops the loop.
/// Thread-safe: peers register/unregister and send from any thread.
/// </summary>
public sealed class UdpMediaTransport : IDisposable
{
    private const int MaxDatagram = 2048;
    private const int MaxRoutesPerPeer = 8;
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IUdpMediaEndpoint> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketAddress, IUdpMediaEndpoint> _byAddress = new();
    private readonly IPEndPoint _endPointFactory;
    private readonly Thread _receiveThread;
    private volatile bool _disposed;
    private long _received;
    private long _dropped;
    private long _handlerErrors;

    public UdpMediaTransport(IOptions<WebRtcOptions> options, ILogger<UdpMediaTransport> logger)
    {
        _logger = logger;
        var settings = options.Value;
        if (!IPAddress.TryParse(settings.BindAddress, out var bindAddress))
        {
            throw new InvalidOperationException($"WebRtc:BindAddress '{settings.BindAddress}' is not an IP address.");
        }

        _socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (bindAddress.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        try
        {
            _socket.Bind(new IPEndPoint(bindAddress, settings.UdpPort));
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw new InvalidOperationException($"Cannot bind WebRTC UDP port {settings.BindAddress}:{settings.UdpPort} ({e.SocketErrorCode}); change WebRtc:UdpPort or free the port.", e);
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _endPointFactory = new IPEndPoint(bindAddress.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        CandidateEndPoint = new IPEndPoint(ResolveCandidateAddress(settings.PublicAddress, bindAddress), LocalEndPoint.Port);
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "webrtc-udp-receive" };
        _receiveThread.Start();
        _logger.LogInformation("WebRTC UDP transport on {Local}, advertising {Candidate}", LocalEndPoint, CandidateEndPoint);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Address and port written into the ICE host candidate of every answer.</summary>
    public IPEndPoint CandidateEndPoint { get; }

    public long DatagramsReceived => Interlocked.Read(ref _received);

    /// <summary>Datagrams dropped for an unknown source, unknown ufrag or unclassifiable first byte.</summary>
    public long DatagramsDropped => Interlocked.Read(ref _dropped);

    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    public int RegisteredPeers => _byUfrag.Count;

    internal void Register(IUdpMediaEndpoint endpoint)
    {
        if (!_byUfrag.TryAdd(endpoint.LocalUfrag, endpoint))
        {
            throw new InvalidOperationException("ICE ufrag collision; retry the offer.");
        }
    }

    internal void Unregister(IUdpMediaEndpoint endpoint)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, IUdpMediaEndpoint>(endpoint.LocalUfrag, endpoint));
        foreach (var route in _byAddress)
        {
            if (ReferenceEquals(route.Value, endpoint))
            {
                _byAddress.TryRemove(route);
            }
        }
    }

    /// <summary>Sends one datagram; never throws for network errors (UDP is lossy anyway).</summary>
    internal void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException e)
        {
            _logger.LogDebug("UDP send failed: {Error}", e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    internal IPEndPoint ToEndPoint(SocketAddress address) => (IPEndPoint)_endPointFactory.Create(address);

    /// <summary>Routes one datagram exactly as the receive thread does (tests feed crafted input through here).</summary>
    internal void Dispatch(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        Interlocked.Increment(ref _received);
        var kind = DatagramClassifier.Classify(datagram);
        try
        {
            if (kind == DatagramKind.Stun)
            {
                DispatchStun(datagram, source);
            }
            else if (kind != DatagramKind.Unknown && _byAddress.TryGetValue(source, out var endpoint))
            {
                endpoint.HandleDatagram(datagram, kind);
            }
            else
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _handlerErrors);
            _logger.LogWarning(e, "Dropped a {Kind} datagram after a handler error", kind);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        _receiveThread.Join(TimeSpan.FromSeconds(2));
    }

    private void DispatchStun(ReadOnlySpan<byte> message, SocketAddress source)
    {
        if (!StunMessage.TryGetLocalUfrag(message, out var ufragBytes) || ufragBytes.Length > 64)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        Span<char> chars = stackalloc char[ufragBytes.Length];
        int count = Encoding.UTF8.GetChars(ufragBytes, chars);
        var lookup = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(chars[..count], out var endpoint))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (endpoint.HandleStun(message, source) && !_byAddress.ContainsKey(source))
        {
            if (CountRoutes(endpoint) >= MaxRoutesPerPeer)
            {
                return;
            }

            var copy = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span.CopyTo(copy.Buffer.Span);
            _byAddress[copy] = endpoint;
        }
    }

    private int CountRoutes(IUdpMediaEndpoint endpoint)
    {
        int n = 0;
        foreach (var route in _byAddress)
        {
            if (ReferenceEquals(route.Value, endpoint))
            {
                n++;
            }
        }

        return n;
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateArray<byte>(MaxDatagram, pinned: true);
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, source);
            }
            catch (SocketException e) when (!_disposed)
            {
                // ICMP port unreachable and friends surface here; they concern one peer, not the socket.
                _logger.LogDebug("UDP receive error {Error}", e.SocketErrorCode);
                continue;
            }
            catch (Exception) when (_disposed)
            {
                break;
            }

            Dispatch(buffer.AsSpan(0, length), source);
        }
    }

    private static IPAddress ResolveCandidateAddress(string? publicAddress, IPAddress bindAddress)
    {
        if (!string.IsNullOrWhiteSpace(publicAddress))
        {
            if (IPAddress.TryParse(publicAddress, out var literal))
            {
                return literal;
            }

            var resolved = Dns.GetHostAddresses(publicAddress);
            return resolved.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? resolved.FirstOrDefault()
                ?? throw new InvalidOperationException($"WebRtc:PublicAddress '{publicAddress}' does not resolve.");
        }

        if (!bindAddress.Equals(IPAddress.Any) && !bindAddress.Equals(IPAddress.IPv6Any))
        {
            return bindAddress;
        }

        var candidate = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return candidate ?? IPAddress.Loopback;
    }
}
