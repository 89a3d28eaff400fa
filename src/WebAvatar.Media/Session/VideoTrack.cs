using WebAvatar.Media.Codecs.Video;

namespace WebAvatar.Media.Session;

/// <summary>
/// One video codec of a session: opens the encoder lazily (and again when the avatar's frame size changes),
/// encodes only while someone subscribes, and turns keyframe requests into forced IDRs no closer together
/// than the minimum interval on the media clock (requests inside the window wait, they are not lost).
/// </summary>
internal sealed class VideoTrack(MediaCodec codec, SessionEncoderSettings settings) : IDisposable
{
    private VideoEncoder? _encoder;
    private bool _active;
    private int _keyFrameRequested;
    private long? _lastForcedPts;

    public MediaCodec Codec => codec;

    public long FramesEncoded { get; private set; }

    public long ForcedKeyFrames { get; private set; }

    /// <summary>Thread-safe; takes effect on a coming frame.</summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    public void Encode(AvFrame frame, bool wanted, List<EncodedPacket> output) => Encode(frame.Video, frame.Index, frame.PtsMicroseconds, wanted, output);

    /// <summary>Encodes <paramref name="video"/> as slot <paramref name="index"/> at <paramref name="pts"/> (µs).</summary>
    public void Encode(VideoFrame video, long index, long pts, bool wanted, List<EncodedPacket> output)
    {
        if (!wanted)
        {
            _active = false;
            return;
        }

        if (!_active)
        {
            _active = true;
            RequestKeyFrame(); // after a pause nobody holds a usable reference picture
        }

        if (_encoder is null || _encoder.Settings.Width != video.Width || _encoder.Settings.Height != video.Height)
        {
            _encoder?.Dispose();
            _encoder = null;
            _encoder = new VideoEncoder(new VideoEncoderSettings(
                codec,
                video.Width,
                video.Height,
                MediaTiming.VideoFps,
                settings.VideoBitrateKbps,
                settings.KeyFrameIntervalSeconds,
                settings.EncoderThreads,
                settings.H264Preset));
        }

        bool force = false;
        if (Volatile.Read(ref _keyFrameRequested) == 1
            && (_lastForcedPts is null || pts - _lastForcedPts.Value >= (long)settings.MinKeyFrameRequestInterval.TotalMicroseconds))
        {
            Volatile.Write(ref _keyFrameRequested, 0);
            _lastForcedPts = pts;
            force = true;
            ForcedKeyFrames++;
        }

        _encoder.Encode(video, index, force, output);
        FramesEncoded++;
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _encoder = null;
    }
}
