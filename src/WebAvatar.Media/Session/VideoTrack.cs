using WebAvatar.Media.Codecs.Video;

namespace WebAvatar.Media.Session;

/// <summary>
/// One video codec of a session: opens the encoder lazily (and again when the avatar's frame size changes),
/// encodes only while someone subscribes, and turns keyframe requests into forced IDRs no closer together
/// than the minimum interval on the media clock (requests inside the window wait, they are not lost). Listening slots
/// replay the recorded <see cref="IdleLoop"/> once there is one; a due keyframe request ends the replay with a live IDR.
/// </summary>
internal sealed class VideoTrack(MediaCodec codec, SessionEncoderSettings settings) : IDisposable
{
    private readonly IdleLoop _loop = new();
    private VideoEncoder? _encoder;
    private bool _active;
    private int _keyFrameRequested;
    private long? _lastForcedPts;

    public MediaCodec Codec => codec;

    public long FramesEncoded { get; private set; }

    public long ForcedKeyFrames { get; private set; }

    /// <summary>Slots sent as replayed idle-loop packets (neither rendered nor encoded).</summary>
    public long FramesReplayed => _loop.Replayed;

    /// <summary>Thread-safe; takes effect on a coming frame.</summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    /// <summary>
    /// Sends slot <paramref name="slot"/>: a replayed idle-loop packet when it can, else the live encoding of its picture, or of
    /// <paramref name="picture"/>'s (a picture derived from the slot's; the track disposes it). Reads <see cref="AvFrame.Video"/> only
    /// when it encodes.
    /// </summary>
    public void Encode(AvFrame slot, bool wanted, List<EncodedPacket> output, Func<AvFrame, VideoFrame>? picture = null)
    {
        if (!wanted)
        {
            _active = false;
            _loop.Pause();
            return;
        }

        if (!_active)
        {
            _active = true;
            RequestKeyFrame(); // after a pause nobody holds a usable reference picture
        }

        long pts = slot.PtsMicroseconds;
        _loop.Observe(slot);
        bool requested = Volatile.Read(ref _keyFrameRequested) == 1;
        if (_encoder is not null && _loop.TryReplay(slot, requested && KeyFrameAllowed(pts), output))
        {
            if (output[^1].IsKeyFrame)
            {
                Volatile.Write(ref _keyFrameRequested, 0); // the loop's IDR serves whoever asked
                _lastForcedPts = pts;
            }

            return;
        }

        if (picture is null)
        {
            EncodeLive(slot.Video, slot, output);
            return;
        }

        using var derived = picture(slot);
        EncodeLive(derived, slot, output);
    }

    private void EncodeLive(VideoFrame video, AvFrame slot, List<EncodedPacket> output)
    {
        long pts = slot.PtsMicroseconds;
        if (_encoder is null || _encoder.Settings.Width != video.Width || _encoder.Settings.Height != video.Height)
        {
            _encoder?.Dispose();
            _encoder = null;
            _loop.Forget();
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
        if (Volatile.Read(ref _keyFrameRequested) == 1 && KeyFrameAllowed(pts))
        {
            Volatile.Write(ref _keyFrameRequested, 0);
            _lastForcedPts = pts;
            force = true;
            ForcedKeyFrames++;
        }

        // After a replay the decoder's reference is a loop picture, which this encoder never made; a new loop starts with an IDR.
        bool startsLoop = _loop.StartsRecording(slot);
        if (!force && (_loop.WasReplaying || startsLoop))
        {
            force = true;
            _lastForcedPts = pts;
        }

        int first = output.Count;
        _encoder.Encode(video, slot.Index, force, output);
        _loop.Record(slot, output, first);
        FramesEncoded++;
    }

    private bool KeyFrameAllowed(long pts) =>
        _lastForcedPts is null || pts - _lastForcedPts.Value >= (long)settings.MinKeyFrameRequestInterval.TotalMicroseconds;

    public void Dispose()
    {
        _encoder?.Dispose();
        _encoder = null;
    }
}
