using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebAvatar.Media.Session;

/// <summary>
/// Encodes a session's output once per codec and fans the packets out to every subscriber (WebRTC peers,
/// RTMP mirrors). <see cref="WriteAsync"/> is called by the session's real-time pacer once per 40 ms slot;
/// it encodes inline (a few ms), never waits for subscribers and disposes the frame. Codecs nobody
/// subscribes to are not encoded. All packets carry pts on the session media clock (µs; audio is master).
/// Subscribe/RequestKeyFrame/Dispose are thread-safe; WriteAsync has a single caller.
/// </summary>
public sealed class SessionMediaEncoder : IEncodedMediaSource, IAvFrameSink, IDisposable
{
    public const int MinCapacity = 8;
    public const int MaxCapacity = 65_536;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VideoTrack _h264;
    private readonly VideoTrack _vp8;
    private readonly VideoTrack _h264Keyed;
    private readonly AudioTrack _audio;
    private readonly List<EncodedPacket> _packets = new(8);
    private readonly Func<AvFrame, VideoFrame> _overKeyColor;
    private MediaSubscription[] _subscribers = [];
    private bool _started;
    private VideoLayout _layout;
    private bool _disposed;

    public SessionMediaEncoder(string sessionId, SessionEncoderSettings? settings = null, TimeProvider? timeProvider = null, ILogger<SessionMediaEncoder>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        SessionId = sessionId;
        Settings = settings ?? new SessionEncoderSettings();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<SessionMediaEncoder>.Instance;
        _h264 = new VideoTrack(MediaCodec.H264, Settings);
        _vp8 = new VideoTrack(MediaCodec.Vp8, Settings);
        _h264Keyed = new VideoTrack(MediaCodec.H264, Settings);
        _audio = new AudioTrack(Settings);
        _overKeyColor = OverKeyColor;
        ClockOrigin = _time.GetUtcNow();
    }

    public string SessionId { get; }

    public SessionEncoderSettings Settings { get; }

    /// <summary>Wall-clock time of pts 0: fixed when the first frame arrives (now minus that frame's pts).</summary>
    public DateTimeOffset ClockOrigin { get; private set; }

    /// <summary>Size of the last frame written (0 x 0 before the first).</summary>
    public (int Width, int Height) VideoSize { get; private set; }

    public long FramesWritten { get; private set; }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    internal event Action<SessionMediaEncoder>? Disposed;

    /// <summary>Frames (video) or packets (audio) produced by the codec's encoder: the encoding work done.</summary>
    public long EncodedCount(MediaCodec codec) => codec switch
    {
        MediaCodec.H264 => _h264.FramesEncoded,
        MediaCodec.Vp8 => _vp8.FramesEncoded,
        MediaCodec.Opus => _audio.OpusPacketsEncoded,
        _ => _audio.AacFramesEncoded,
    };

    /// <summary>Video slots of the codec sent as replayed idle-loop packets: neither rendered nor encoded.</summary>
    public long ReplayedCount(MediaCodec codec) => codec switch
    {
        MediaCodec.H264 => _h264.FramesReplayed,
        MediaCodec.Vp8 => _vp8.FramesReplayed,
        _ => 0,
    };

    public long ForcedKeyFrames(MediaCodec codec) => codec switch
    {
        MediaCodec.H264 => _h264.ForcedKeyFrames,
        MediaCodec.Vp8 => _vp8.ForcedKeyFrames,
        _ => 0,
    };

    public IEncodedMediaSubscription Subscribe(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256, bool inlineReader = false) =>
        Add(codecs, capacity, inlineReader, chromaKeyed: false);

    /// <summary>Chroma-keyed feeds are H.264 (what RTMP carries); the keyed picture is encoded only while transparent frames arrive.</summary>
    public IEncodedMediaSubscription SubscribeChromaKeyed(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        if (codecs.Contains(MediaCodec.Vp8))
        {
            throw new ArgumentException("Chroma-keyed feeds are H.264 only.", nameof(codecs));
        }

        return Add(codecs, capacity, inlineReader: false, chromaKeyed: true);
    }

    private IEncodedMediaSubscription Add(IReadOnlyCollection<MediaCodec> codecs, int capacity, bool inlineReader, bool chromaKeyed)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        if (codecs.Count == 0)
        {
            throw new ArgumentException("Subscribe to at least one codec.", nameof(codecs));
        }

        if (capacity is < MinCapacity or > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"Queue capacity must be {MinCapacity}..{MaxCapacity} packets.");
        }

        var subscription = chromaKeyed
            ? new MediaSubscription(codecs, capacity, inlineReader, RequestKeyedKeyFrame, Unsubscribe, chromaKeyed: true)
            : new MediaSubscription(codecs, capacity, inlineReader, RequestKeyFrame, Unsubscribe);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscribers = [.. _subscribers, subscription];
        }

        foreach (var codec in subscription.Codecs.Where(c => c.IsVideo()))
        {
            if (chromaKeyed)
            {
                RequestKeyedKeyFrame(codec); // a new viewer can only start decoding at a keyframe
            }
            else
            {
                RequestKeyFrame(codec);
            }
        }

        _logger.LogDebug("Session {Session}: subscriber for {Codecs} (capacity {Capacity})", SessionId, string.Join(",", subscription.Codecs), capacity);
        return subscription;
    }

    public void RequestKeyFrame(MediaCodec codec)
    {
        if (codec == MediaCodec.H264)
        {
            _h264.RequestKeyFrame();
        }
        else if (codec == MediaCodec.Vp8)
        {
            _vp8.RequestKeyFrame();
        }
    }

    // Opaque frames reach chroma-keyed viewers through the main track, so they need its keyframes too.
    private void RequestKeyedKeyFrame(MediaCodec codec)
    {
        RequestKeyFrame(codec);
        if (codec == MediaCodec.H264)
        {
            _h264Keyed.RequestKeyFrame();
        }
    }

    /// <summary>
    /// Encodes one 40 ms slot for every codec with a subscriber and offers the packets to the subscribers.
    /// Takes ownership of <paramref name="frame"/> and disposes it, also on failure. Completes synchronously.
    /// </summary>
    public ValueTask WriteAsync(AvFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                EncodeAndPublish(frame);
            }
        }
        finally
        {
            frame.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        MediaSubscription[] subscribers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            subscribers = _subscribers;
            _subscribers = [];
            _h264.Dispose();
            _vp8.Dispose();
            _h264Keyed.Dispose();
            _audio.Dispose();
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Complete();
        }

        Disposed?.Invoke(this);
    }

    private void EncodeAndPublish(AvFrame frame)
    {
        if (!_started)
        {
            _started = true;
            ClockOrigin = _time.GetUtcNow() - TimeSpan.FromMicroseconds(frame.PtsMicroseconds);
        }

        // A renderer's size and layout are fixed for its life, so an idle slot that may be replayed is not drawn to learn them.
        if (frame.IsVideoRendered || frame.IdleLoopPhase < 0 || FramesWritten == 0)
        {
            VideoSize = (frame.Video.Width, frame.Video.Height);
            _layout = frame.Video.Layout;
        }

        FramesWritten++;
        var subscribers = _subscribers;
        bool transparent = _layout == VideoLayout.ColorAlphaSideBySide;
        bool wantH264 = false, wantVp8 = false, wantOpus = false, wantAac = false, wantKeyed = false;
        foreach (var s in subscribers)
        {
            if (transparent && s.ChromaKeyed)
            {
                wantKeyed |= s.Wants(MediaCodec.H264);
            }
            else
            {
                wantH264 |= s.Wants(MediaCodec.H264);
            }

            wantVp8 |= s.Wants(MediaCodec.Vp8);
            wantOpus |= s.Wants(MediaCodec.Opus);
            wantAac |= s.Wants(MediaCodec.Aac);
        }

        // Audio first: its packets go out without waiting for the video encoder (~4.6 ms a frame, up to ~19 ms),
        // which keeps that time and its jitter out of the browser's audio jitter buffer.
        _packets.Clear();
        _audio.Encode(frame, wantOpus, wantAac, _packets);
        Publish(subscribers, Audience.Everyone);
        _packets.Clear();
        _h264.Encode(frame, wantH264, _packets);
        _vp8.Encode(frame, wantVp8, _packets);
        Publish(subscribers, transparent ? Audience.AsRendered : Audience.Everyone);
        if (transparent || wantKeyed)
        {
            _packets.Clear();
            EncodeKeyed(frame, wantKeyed && transparent);
            Publish(subscribers, Audience.ChromaKeyed);
        }
    }

    private void EncodeKeyed(AvFrame frame, bool wanted) => _h264Keyed.Encode(frame, wanted, _packets, _overKeyColor);

    private VideoFrame OverKeyColor(AvFrame frame)
    {
        var keyed = new VideoFrame(frame.Video.Width / 2, frame.Video.Height);
        SideBySideAlpha.OverColor(frame.Video, Settings.ChromaKeyColor, keyed);
        return keyed;
    }

    private enum Audience
    {
        Everyone,
        AsRendered,
        ChromaKeyed,
    }

    private void Publish(MediaSubscription[] subscribers, Audience audience)
    {
        foreach (var packet in _packets)
        {
            foreach (var s in subscribers)
            {
                if (audience == Audience.Everyone || s.ChromaKeyed == (audience == Audience.ChromaKeyed))
                {
                    s.Offer(packet);
                }
            }
        }
    }

    private void Unsubscribe(MediaSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        }
    }
}
