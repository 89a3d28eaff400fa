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
    IEncodedMediaSubscription Subscribe(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256);

    /// <summary>Asks the video encoder for a keyframe on its next frame (rate-limited by the implementation).</summary>
    void RequestKeyFrame(MediaCodec codec);
}

public interface IEncodedMediaSubscription : IDisposable
{
    ChannelReader<EncodedPacket> Packets { get; }

    /// <summary>Packets this subscriber lost because it was too slow.</summary>
    long DroppedPackets { get; }
}
