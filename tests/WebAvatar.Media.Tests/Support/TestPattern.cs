namespace WebAvatar.Media.Tests.Support;

/// <summary>
/// A synthetic session: a moving gradient with a quiet 440 Hz tone, and every <see cref="SyncPeriodFrames"/> frames
/// a white flash frame whose 40 ms of audio is a loud 1 kHz beep. Flash and beep share a pts, so their times in a
/// decoded stream measure A/V sync.
/// </summary>
internal static class TestPattern
{
    public const int SyncPeriodFrames = 50;
    public const short QuietAmplitude = 1000;
    public const short BeepAmplitude = 16000;

    public static bool IsFlash(long index) => index % SyncPeriodFrames == SyncPeriodFrames / 2;

    public static AvFrame Frame(long index, int width = 320, int height = 240)
    {
        var video = new VideoFrame(width, height);
        FillPicture(video, index);
        var frame = new AvFrame(index, video, speaking: true);
        FillAudio(frame.Audio, index);
        return frame;
    }

    public static void FillPicture(VideoFrame video, long index)
    {
        var pixels = video.Pixels;
        if (IsFlash(index))
        {
            pixels.Fill(255);
            return;
        }

        int shift = (int)(index * 4 % video.Width);
        for (int y = 0; y < video.Height; y++)
        {
            var row = pixels.Slice(y * video.Stride, video.Stride);
            for (int x = 0; x < video.Width; x++)
            {
                int xs = (x + shift) % video.Width;
                row[3 * x] = (byte)(xs * 160 / video.Width);      // B
                row[3 * x + 1] = (byte)(y * 120 / video.Height);  // G
                row[3 * x + 2] = (byte)((xs / 16 % 2) * 90);      // R: moving bars
            }
        }
    }

    public static void FillAudio(Span<short> audio, long index)
    {
        bool beep = IsFlash(index);
        long first = index * MediaTiming.SamplesPerVideoFrame;
        for (int i = 0; i < audio.Length; i++)
        {
            double t = (first + i) / (double)MediaTiming.PipelineSampleRate;
            audio[i] = beep
                ? (short)(BeepAmplitude * Math.Sin(2 * Math.PI * 1000 * t))
                : (short)(QuietAmplitude * Math.Sin(2 * Math.PI * 440 * t));
        }
    }
}
