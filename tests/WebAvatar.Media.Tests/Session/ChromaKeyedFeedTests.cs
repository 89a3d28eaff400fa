using WebAvatar.Media.Session;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Session;

/// <summary>
/// Transparent frames reach WebRTC viewers as colour | opacity side by side and chroma-keyed viewers (RTMP) as the picture over the
/// key colour, each decoded back with ffmpeg; opaque frames are encoded once for both.
/// </summary>
public class ChromaKeyedFeedTests
{
    private const int Width = 160;
    private const int Height = 128;

    [Fact]
    public async Task Transparent_frames_go_side_by_side_to_viewers_and_over_the_key_colour_to_keyed_feeds()
    {
        using var encoder = new SessionMediaEncoder("keyed", new SessionEncoderSettings { ChromaKeyColor = (0, 255, 0) });
        var viewer = encoder.Subscribe([MediaCodec.H264]);
        var keyed = encoder.SubscribeChromaKeyed([MediaCodec.H264, MediaCodec.Aac]);
        for (int i = 0; i < 10; i++)
        {
            await encoder.WriteAsync(TransparentFrame(i), default);
        }

        var side = await DecodeAsync(SessionMediaEncoderTests.Drain(viewer), Width * 2);
        var over = await DecodeAsync(SessionMediaEncoderTests.Drain(keyed).Where(p => p.Codec == MediaCodec.H264).ToList(), Width);

        AssertColor(side, Width * 2, Width / 2, Height / 2, (0, 0, 200), "viewer: the opaque red square's colour on the left");
        AssertColor(side, Width * 2, Width + (Width / 2), Height / 2, (255, 255, 255), "viewer: its opacity on the right");
        AssertColor(side, Width * 2, 8, 8, (0, 0, 0), "viewer: transparent colour is premultiplied to black");
        AssertColor(side, Width * 2, Width + 8, 8, (0, 0, 0), "viewer: transparent opacity");
        AssertColor(over, Width, Width / 2, Height / 2, (0, 0, 200), "keyed: the square");
        AssertColor(over, Width, 8, 8, (0, 255, 0), "keyed: the key colour where the picture is transparent");
    }

    [Fact]
    public async Task Opaque_frames_are_encoded_once_for_viewers_and_keyed_feeds()
    {
        using var encoder = new SessionMediaEncoder("opaque");
        var viewer = encoder.Subscribe([MediaCodec.H264]);
        var keyed = encoder.SubscribeChromaKeyed([MediaCodec.H264]);
        for (int i = 0; i < 10; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, Width, Height), default);
        }

        var seen = SessionMediaEncoderTests.Drain(viewer);
        var keyedSeen = SessionMediaEncoderTests.Drain(keyed);
        Assert.Equal(10, seen.Count);
        Assert.Equal(seen.Count, keyedSeen.Count);
        Assert.All(seen.Zip(keyedSeen), pair => Assert.Same(pair.First, pair.Second));
        Assert.Throws<ArgumentException>(() => encoder.SubscribeChromaKeyed([MediaCodec.Vp8]));
    }

    /// <summary>A red square, opaque, in a transparent frame.</summary>
    private static AvFrame TransparentFrame(long index)
    {
        var video = new VideoFrame(Width * 2, Height) { Layout = VideoLayout.ColorAlphaSideBySide };
        var pixels = video.Pixels;
        pixels.Clear();
        for (int y = Height / 4; y < Height * 3 / 4; y++)
        {
            for (int x = Width / 4; x < Width * 3 / 4; x++)
            {
                int colour = (y * video.Stride) + (3 * x), opacity = colour + (3 * Width);
                pixels[colour + 2] = 200;
                pixels[opacity] = pixels[opacity + 1] = pixels[opacity + 2] = 255;
            }
        }

        return new AvFrame(index, video, speaking: false);
    }

    private static async Task<byte[]> DecodeAsync(List<EncodedPacket> packets, int width)
    {
        Assert.Equal(10, packets.Count);
        var folder = Tools.TempDirectory("keyed");
        var file = Path.Combine(folder, "video.h264");
        await using (var stream = File.Create(file))
        {
            foreach (var packet in packets)
            {
                await stream.WriteAsync(packet.Data);
            }
        }

        var bgr = await Tools.RunBinaryAsync("ffmpeg", ["-v", "error", "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], TimeSpan.FromSeconds(30));
        Assert.Equal(width * Height * 3, bgr.Length);
        return bgr;
    }

    private static void AssertColor(byte[] bgr, int width, int x, int y, (int B, int G, int R) expected, string what)
    {
        int i = 3 * ((y * width) + x);
        var actual = (bgr[i], bgr[i + 1], bgr[i + 2]);
        Assert.True(
            Math.Abs(actual.Item1 - expected.B) <= 12 && Math.Abs(actual.Item2 - expected.G) <= 12 && Math.Abs(actual.Item3 - expected.R) <= 12,
            $"{what}: expected BGR {expected}, decoded {actual}");
    }
}
