using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace WebAvatar.Transport.WebRtc.Dtls;

/// <summary>
/// Adapts one peer's DTLS records on the shared UDP socket to BouncyCastle's blocking <see cref="DatagramTransport"/>.
/// The UDP receive thread enqueues records (never blocks: a full queue drops, DTLS retransmits);
/// the DTLS thread blocks in <see cref="Receive(byte[], int, int, int)"/>. BouncyCastle calls <see cref="Close"/>
/// when it sees close_notify or fails, which <see cref="Closed"/> reports to the peer.
/// </summary>
internal sealed class DtlsDatagramChannel : DatagramTransport
{
    private const int MaxQueued = 64;
    private readonly BlockingCollection<byte[]> _incoming = new(new ConcurrentQueue<byte[]>(), MaxQueued);
    private readonly Action<ReadOnlySpan<byte>> _send;
    private int _closed;

    public DtlsDatagramChannel(Action<ReadOnlySpan<byte>> send)
    {
        _send = send;
    }

    public event Action? Closed;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Called on the UDP receive thread; copies the record.</summary>
    public void Enqueue(ReadOnlySpan<byte> record)
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            _incoming.TryAdd(record.ToArray());
        }
        catch (InvalidOperationException)
        {
            // Closed between the check and the add: the record is no longer wanted.
        }
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (IsClosed)
        {
            throw new TlsTimeoutException("DTLS channel closed.");
        }

        try
        {
            if (!_incoming.TryTake(out var record, waitMillis))
            {
                return -1;
            }

            int length = Math.Min(record.Length, buffer.Length);
            record.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (ObjectDisposedException)
        {
            throw new TlsTimeoutException("DTLS channel closed.");
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!IsClosed)
        {
            _send(buffer);
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _incoming.CompleteAdding();
            Closed?.Invoke();
        }
    }
}
