using System.Globalization;
using WebAvatar.Media.Codecs.Av;

namespace WebAvatar.Media.Codecs.Video;

/// <summary>
/// Real-time video encoder on libavcodec: H.264 constrained baseline through libx264 (zerolatency, no
/// B-frames, Annex-B with SPS/PPS repeated on every IDR) or VP8 through libvpx (realtime, no lag).
/// Time base is 1/fps (a 90 kHz time base upsets x264's rate control in FFmpeg 5.1). One frame in, its
/// packet out at once. Not thread-safe: one caller (the session's encode loop).
/// </summary>
public sealed unsafe class VideoEncoder : IDisposable
{
    private readonly AvEncoderContext _context;
    private readonly long _frameDurationUs;
    private long _lastPts = long.MinValue;

    public VideoEncoder(VideoEncoderSettings settings)
    {
        settings.Validate();
        Settings = settings;
        _frameDurationUs = 1_000_000L / settings.Fps;
        _context = new AvEncoderContext(settings.Codec == MediaCodec.H264 ? "libx264" : "libvpx");
        try
        {
            Configure(settings);
            _context.Open();
            AvNative.Field<int>(_context.Frame, AvNative.FrameWidth) = settings.Width;
            AvNative.Field<int>(_context.Frame, AvNative.FrameHeight) = settings.Height;
            AvNative.Field<int>(_context.Frame, AvNative.FrameFormat) = AvNative.PixelFormatYuv420P;
            _context.AllocateFrameBuffers();
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    public VideoEncoderSettings Settings { get; }

    public MediaCodec Codec => Settings.Codec;

    /// <summary>
    /// Encodes <paramref name="frame"/> as slot <paramref name="frameIndex"/> (pts = index / fps) and appends the
    /// resulting packets (normally exactly one) to <paramref name="output"/>. <paramref name="forceKeyFrame"/> makes
    /// this frame an IDR / VP8 key frame. The caller keeps ownership of <paramref name="frame"/>; packets own fresh arrays.
    /// </summary>
    public void Encode(VideoFrame frame, long frameIndex, bool forceKeyFrame, List<EncodedPacket> output)
    {
        if (frame.Width != Settings.Width || frame.Height != Settings.Height)
        {
            throw new ArgumentException($"Frame is {frame.Width}x{frame.Height} but the {Codec} encoder was opened for {Settings.Width}x{Settings.Height}; create a new encoder to change size.", nameof(frame));
        }

        if (frameIndex <= _lastPts)
        {
            throw new ArgumentException($"Frame index {frameIndex} does not advance past {_lastPts}; video pts must increase.", nameof(frameIndex));
        }

        _lastPts = frameIndex;
        _context.PrepareFrame();
        IntPtr f = _context.Frame;
        Bgr24ToYuv420.Convert(
            frame.Pixels,
            frame.Width,
            frame.Height,
            Plane(f, 0, frame.Height),
            Stride(f, 0),
            Plane(f, 1, frame.Height / 2),
            Stride(f, 1),
            Plane(f, 2, frame.Height / 2),
            Stride(f, 2));
        AvNative.Field<long>(f, AvNative.FramePts) = frameIndex;
        AvNative.Field<int>(f, AvNative.FramePictType) = forceKeyFrame ? AvNative.PictureTypeI : AvNative.PictureTypeNone;
        _context.Encode(false, (Codec, Duration: _frameDurationUs, Output: output), static (state, data, pts, key) =>
            state.Output.Add(new EncodedPacket(state.Codec, data.ToArray(), pts * state.Duration, state.Duration, key)));
    }

    public void Dispose() => _context.Dispose();

    private static int Stride(IntPtr frame, int plane) => AvNative.Field<int>(frame, AvNative.FrameLinesize + 4 * plane);

    private static Span<byte> Plane(IntPtr frame, int plane, int rows)
    {
        byte* data = (byte*)AvNative.Field<IntPtr>(frame, AvNative.FrameData + 8 * plane);
        return new Span<byte>(data, Stride(frame, plane) * rows);
    }

    private void Configure(VideoEncoderSettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        string bitrate = (s.BitrateKbps * 1000L).ToString(inv);
        _context.Set("video_size", $"{s.Width}x{s.Height}");
        _context.Set("pixel_format", "yuv420p");
        _context.Set("time_base", $"1/{s.Fps}");
        _context.Set("b", bitrate);
        _context.Set("maxrate", bitrate);
        _context.Set("bufsize", bitrate); // one second of VBV: caps bursts for WebRTC.
        _context.Set("g", s.KeyFrameIntervalFrames.ToString(inv));
        _context.Set("bf", "0");
        _context.Set("threads", s.Threads.ToString(inv));
        if (s.Codec == MediaCodec.H264)
        {
            _context.Set("preset", s.H264Preset, privateOption: true);
            _context.Set("tune", "zerolatency", privateOption: true);
            _context.Set("profile", "baseline", privateOption: true);
            _context.Set("forced-idr", "1", privateOption: true);
            _context.Set("level", "31");
            _context.Set("x264-params", "repeat-headers=1:scenecut=0:sliced-threads=0", privateOption: true);
        }
        else
        {
            _context.Set("deadline", "realtime", privateOption: true);
            _context.Set("cpu-used", "8", privateOption: true);
            _context.Set("lag-in-frames", "0", privateOption: true);
            _context.Set("error-resilient", "default", privateOption: true);
        }
    }
}
