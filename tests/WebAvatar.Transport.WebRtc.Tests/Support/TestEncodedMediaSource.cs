using System.Diagnostics;
using System.Threading.Channels;
using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>
/// Plays looping H.264/VP8 and Opus clips in real time on one session clock, fanned out to subscribers
/// through bounded dropping channels, like the real session encoder.
/// </summary>
internal sealed class TestEncodedMediaSource : IEncodedMediaSource, IDisposable
{
    private readonly Dictionary<MediaCodec, List<(byte[] Data, bool Key)>> _video = new();
    private readonly List<byte[]> _audio;
    private readonly List<Subscription> _subscribers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly Stopwatch _clock = new();
    private int _keyFrameRequests;

    public TestEncodedMediaSource(string sessionId)
    {
        SessionId = sessionId;
        _video[MediaCodec.H264] = TestClips.H264AccessUnits(TestMediaFiles.H264AnnexB);
        _video[MediaCodec.Vp8] = TestClips.Vp8Frames(TestMediaFiles.Vp8Ivf);
        _audio = TestClips.OpusTone();
        ClockOrigin = DateTimeOffset.UtcNow;
        _clock.Start();
        _thread = new Thread(Run) { IsBackground = true, Name = "test-media-source" };
        _thread.Start();
    }

    public string SessionId { get; }

    public DateTimeOffset ClockOrigin { get; }

    public int KeyFrameRequests => Volatile.Read(ref _keyFrameRequests);

    public int SubscriberCount
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count;
            }
        }
    }

    public IEncodedMediaSubscription Subscribe(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256, bool inlineReader = false)
    {
        var subscription = new Subscription(this, codecs.ToHashSet(), capacity, inlineReader);
        lock (_subscribers)
        {
            _subscribers.Add(subscription);
        }

        return subscription;
    }

    public void RequestKeyFrame(MediaCodec codec) => Interlocked.Increment(ref _keyFrameRequests);

    /// <summary>Ends the session: every subscriber's reader completes.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                s.Writer.TryComplete();
            }
        }
    }

    private void Run()
    {
        long audioIndex = 0, videoIndex = 0;
        while (!_stop.IsCancellationRequested)
        {
            long nowUs = _clock.ElapsedTicks * 1_000_000 / Stopwatch.Frequency;
            while (audioIndex * 20_000 <= nowUs)
            {
                Publish(new EncodedPacket(MediaCodec.Opus, _audio[(int)(audioIndex % _audio.Count)], audioIndex * 20_000, 20_000, true));
                audioIndex++;
            }

            while (videoIndex * 40_000 <= nowUs)
            {
                foreach (var (codec, frames) in _video)
                {
                    var frame = frames[(int)(videoIndex % frames.Count)];
                    Publish(new EncodedPacket(codec, frame.Data, videoIndex * 40_000, 40_000, frame.Key));
                }

                videoIndex++;
            }

            Thread.Sleep(2);
        }
    }

    private void Publish(EncodedPacket packet)
    {
        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                if (s.Codecs.Contains(packet.Codec))
                {
                    s.Writer.TryWrite(packet);
                }
            }
        }
    }

    private sealed class Subscription : IEncodedMediaSubscription
    {
        private readonly TestEncodedMediaSource _owner;
        private readonly Channel<EncodedPacket> _channel;
        private long _dropped;

        public Subscription(TestEncodedMediaSource owner, HashSet<MediaCodec> codecs, int capacity, bool inlineReader)
        {
            _owner = owner;
            Codecs = codecs;
            _channel = Channel.CreateBounded<EncodedPacket>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, AllowSynchronousContinuations = inlineReader },
                _ => Interlocked.Increment(ref _dropped));
        }

        public HashSet<MediaCodec> Codecs { get; }

        public ChannelWriter<EncodedPacket> Writer => _channel.Writer;

        public ChannelReader<EncodedPacket> Packets => _channel.Reader;

        public long DroppedPackets => Interlocked.Read(ref _dropped);

        public void Dispose()
        {
            lock (_owner._subscribers)
            {
                _owner._subscribers.Remove(this);
            }

            _channel.Writer.TryComplete();
        }
    }
}
