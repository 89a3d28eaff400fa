using WebAvatar.Media;
using Xunit.Abstractions;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>The parametric renderer with the background removed or replaced, on the default avatar (GrabCut matte).</summary>
public sealed class RemovedBackgroundRenderingTests(AvatarFixture avatar, ITestOutputHelper output) : IClassFixture<AvatarFixture>
{
    private const int Side = 512;

    [Fact]
    public async Task Removed_background_frames_are_premultiplied_colour_beside_an_opacity_that_moves_with_the_head()
    {
        using var kept = await avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
        using var removed = await avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, AvatarBackground.Remove, CancellationToken.None);
        Assert.Equal(VideoLayout.ColorAlphaSideBySide, removed.Layout);
        Assert.Equal((Side * 2, Side), (removed.Width, removed.Height));

        var face = avatar.Geometry.Face;
        int cx = (int)face.CenterX, cy = (int)face.CenterY;
        long[] indices = [0, 37, 90];
        var alphas = new List<byte[]>();
        foreach (long index in indices)
        {
            using var colour = kept.RenderIdle(index);
            using var frame = removed.RenderIdle(index);
            Assert.Equal(VideoLayout.ColorAlphaSideBySide, frame.Layout);
            var alpha = new byte[Side * Side];
            int worst = 0;
            for (int y = 0; y < Side; y++)
            {
                for (int x = 0; x < Side; x++)
                {
                    int a = frame.Pixels[(y * frame.Stride) + (3 * (Side + x))];
                    alpha[(y * Side) + x] = (byte)a;
                    for (int c = 0; c < 3; c++)
                    {
                        int expected = ((colour.Pixels[(y * colour.Stride) + (3 * x) + c] * a) + 127) / 255;
                        worst = Math.Max(worst, Math.Abs(frame.Pixels[(y * frame.Stride) + (3 * x) + c] - expected));
                    }
                }
            }

            Assert.True(worst <= 1, $"frame {index}: colour is the kept picture times opacity (worst difference {worst})");
            Assert.Equal(255, alpha[(cy * Side) + cx]);
            Assert.Equal(0, alpha[(8 * Side) + 8]); // the wall in the top-left corner
            alphas.Add(alpha);
        }

        // Idle head sway and breathing move the outline: the opacity changes between poses, and only where the picture itself moved.
        using var first = kept.RenderIdle(indices[0]);
        using var last = kept.RenderIdle(indices[2]);
        var moved = new bool[Side * Side];
        for (int i = 0; i < Side * Side; i++)
        {
            if (first.Pixels.Slice(3 * i, 3).SequenceEqual(last.Pixels.Slice(3 * i, 3)))
            {
                continue;
            }

            for (int dy = -3; dy <= 3; dy++)
            {
                for (int dx = -3; dx <= 3; dx++)
                {
                    int x = Math.Clamp((i % Side) + dx, 0, Side - 1), y = Math.Clamp((i / Side) + dy, 0, Side - 1);
                    moved[(y * Side) + x] = true;
                }
            }
        }

        int changedWhereMoved = 0, changedElsewhere = 0;
        for (int i = 0; i < Side * Side; i++)
        {
            if (alphas[0][i] != alphas[2][i])
            {
                changedWhereMoved += moved[i] ? 1 : 0;
                changedElsewhere += moved[i] ? 0 : 1;
            }
        }

        output.WriteLine($"opacity changed between idle poses: {changedWhereMoved} px where the picture moved, {changedElsewhere} px elsewhere");
        Assert.True(changedWhereMoved > 100, "the matte follows the head's idle motion");
        Assert.Equal(0, changedElsewhere);
    }

    [Fact]
    public async Task Replaced_background_is_the_colour_behind_an_unchanged_face()
    {
        using var kept = await avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
        using var replaced = await avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, AvatarBackground.ReplaceWithColor("#3366cc"), CancellationToken.None);
        Assert.Equal(VideoLayout.Opaque, replaced.Layout);
        Assert.Equal((Side, Side), (replaced.Width, replaced.Height));
        using var colour = kept.RenderIdle(12);
        using var frame = replaced.RenderIdle(12);
        var face = avatar.Geometry.Face;
        int centre = ((int)face.CenterY * frame.Stride) + (3 * (int)face.CenterX);
        Assert.Equal(colour.Pixels.Slice(centre, 3).ToArray(), frame.Pixels.Slice(centre, 3).ToArray());
        Assert.Equal(new byte[] { 0xcc, 0x66, 0x33 }, frame.Pixels.Slice((8 * frame.Stride) + 24, 3).ToArray());
    }

    [Fact]
    public async Task A_malformed_choice_is_refused_with_its_reason()
    {
        var error = await Assert.ThrowsAsync<AvatarException>(() =>
            avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, new AvatarBackground(AvatarBackgroundMode.Replace, Color: "blue"), CancellationToken.None));
        Assert.Contains("#rrggbb", error.Message);
        error = await Assert.ThrowsAsync<AvatarException>(() =>
            avatar.Factory.CreateParametricAsync(TestAssets.DefaultAvatar, new AvatarBackground(AvatarBackgroundMode.Replace), CancellationToken.None));
        Assert.Contains("either a colour or an image", error.Message);
    }
}
