namespace WebAvatar.Media.Codecs.Video;

/// <summary>How one video encoder is set up. Width and height must be even (4:2:0).</summary>
public sealed record VideoEncoderSettings(
    MediaCodec Codec,
    int Width,
    int Height,
    int Fps = MediaTiming.VideoFps,
    int BitrateKbps = 1200,
    double KeyFrameIntervalSeconds = 2.0,
    int Threads = 1,
    string H264Preset = "veryfast")
{
    public int KeyFrameIntervalFrames => Math.Max(1, (int)Math.Round(KeyFrameIntervalSeconds * Fps));

    public void Validate()
    {
        if (!Codec.IsVideo())
        {
            throw new ArgumentException($"{Codec} is not a video codec.");
        }

        if (Width <= 0 || Height <= 0 || (Width & 1) != 0 || (Height & 1) != 0)
        {
            throw new ArgumentException($"Video size must be positive and even for 4:2:0, got {Width}x{Height}.");
        }

        if (Fps is <= 0 or > 120 || BitrateKbps is < 50 or > 50_000 || KeyFrameIntervalSeconds is <= 0 or > 60 || Threads is < 1 or > 16)
        {
            throw new ArgumentException($"Invalid video encoder settings {this}: fps 1..120, bitrate 50..50000 kb/s, keyframe interval (0, 60] s, threads 1..16.");
        }
    }
}
