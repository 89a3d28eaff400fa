using System.Threading.Channels;

namespace WebAvatar.Media.Session;

/// <summary>
/// One subscriber's bounded packet queue. The encoder offers packets without ever waiting: when the queue
/// is full the packet is dropped and counted; after a lost video packet the subscriber skips to the next
/// keyframe of that codec (frames that depend on the lost one are useless) and one is requested.
/// </summary>
internal sealed class MediaSubscription : IEncodedMediaSubscription
{
    private readonly Channel<EncodedPacket> _channel;
    private readonly bool[] _wanted = new bool[Enum.GetValues<MediaCodec>().Length];
    private readonly bool[] _waitingForKeyFrame = new bool[Enum.GetValues<MediaCodec>().Length];
    private readonly Action<MediaSubscription> _onDispose;
    private readonly Action<MediaCodec> _requestKeyFrame;
    private long _dropped;
    private int _disposed;

    public MediaSubscription(
        IReadOnlyCollection<MediaCodec> codecs, int capacity, bool inlineReader, Action<MediaCodec> requestKeyFrame, Action<MediaSubscription> onDispose, bool chromaKeyed = false)
    {
        ChromaKeyed = chromaKeyed;
        _channel = Channel.CreateBounded<EncodedPacket>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            AllowSynchronousContinuations = inlineReader,
            FullMode = BoundedChannelFullMode.Wait, // never awaited: TryWrite fails when full, which is our drop signal.
        });
        foreach (var codec in codecs)
        {
            _wanted[(int)codec] = true;
            _waitingForKeyFrame[(int)codec] = codec.IsVideo(); // a decoder can only start at a keyframe
        }

        Codecs = codecs.Distinct().ToArray();
        _requestKeyFrame = requestKeyFrame;
        _onDispose = onDispose;
    }

    public IReadOnlyList<MediaCodec> Codecs { get; }

    /// <summary>Sees transparent frames over the chroma-key colour (see <see cref="IEncodedMediaSource.SubscribeChromaKeyed"/>).</summary>
    public bool ChromaKeyed { get; }

    public ChannelReader<EncodedPacket> Packets => _channel.Reader;

    public long DroppedPackets => Interlocked.Read(ref _dropped);

    public bool Wants(MediaCodec codec) => _wanted[(int)codec];

    /// <summary>Called only from the encoding thread. Never blocks.</summary>
    public void Offer(EncodedPacket packet)
    {
        int codec = (int)packet.Codec;
        if (!_wanted[codec])
        {
            return;
        }

        if (_waitingForKeyFrame[codec])
        {
            if (!packet.IsKeyFrame)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            _waitingForKeyFrame[codec] = false;
        }

        if (!_channel.Writer.TryWrite(packet) && Volatile.Read(ref _disposed) == 0)
        {
            Interlocked.Increment(ref _dropped);
            if (packet.Codec.IsVideo())
            {
                _waitingForKeyFrame[codec] = true;
                _requestKeyFrame(packet.Codec);
            }
        }
    }

    /// <summary>Ends the stream for the reader (the session is over); pending packets can still be read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _onDispose(this);
        }
    }
}
