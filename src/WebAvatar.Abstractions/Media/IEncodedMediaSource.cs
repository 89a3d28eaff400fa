using System.Threading.Channels;

namespace WebAvatar.Media;

/// <summary>
/// A session's encoded output. Each frame is encoded once, whatever the number of subscribers.
/// Subscribing never blocks the session: a subscriber that falls behind loses packets (its
/// bounded queue drops) and gets a keyframe requested for it.
/// </summary>
public interface IEncodedMediaSource
{
    /// <summary>Stable id of the session clock; packets of all codecs share it.</summary>
    string SessionId { get; }

    /// <summary>Wall-clock instant (UTC) that corresponds to pts 0 of the media clock; RTCP SR and FLV timestamps derive from it.</summary>
    DateTimeOffset ClockOrigin { get; }

    /// <summary>Subscribes to the given codecs. Dispose the subscription to leave; the reader then completes.</summary>
    /// <param name="codecs">The codecs to receive.</param>
    /// <param name="capacity">Packets queued for this subscriber before it starts losing them.</param>
    /// <param name="inlineReader">
    /// True for a reader that never blocks (a UDP sender): its continuation then runs on the encoding thread right after
    /// each packet instead of waiting for a thread-pool thread, which under load costs tens of ms of jitter.
    /// A reader that may block (a TCP writer) must pass false.
    /// </param>
    IEncodedMediaSubscription Subscribe(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256, bool inlineReader = false);

    /// <summary>
    /// As <see cref="Subscribe"/>, but for a viewer that cannot composite transparency (an RTMP/OBS feed): when the session's
    /// frames carry an alpha channel (<see cref="VideoLayout.ColorAlphaSideBySide"/>) its video shows the avatar over a plain
    /// chroma-key colour instead. Sources without transparency hand out their only picture.
    /// </summary>
    IEncodedMediaSubscription SubscribeChromaKeyed(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256) => Subscribe(codecs, capacity);

    /// <summary>Asks the video encoder for a keyframe on its next frame (rate-limited by the implementation).</summary>
    void RequestKeyFrame(MediaCodec codec);
}

public interface IEncodedMediaSubscription : IDisposable
{
    ChannelReader<EncodedPacket> Packets { get; }

    /// <summary>Packets this subscriber lost because it was too slow.</summary>
    long DroppedPackets { get; }
}
