using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin.Avatars;

namespace WebAvatar.Web.Tests.Admin;

public class MediaSnifferTests
{
    public static TheoryData<byte[], string, AvatarKind> Accepted => new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52], "image/png", AvatarKind.Image },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1], "image/jpeg", AvatarKind.Image },
        { [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], "image/webp", AvatarKind.Image },
        { [0, 0, 0, 0x20, .. "ftypisom"u8, 0, 0, 2, 0], "video/mp4", AvatarKind.Video },
        { [0, 0, 0, 0x14, .. "ftypqt  "u8, 0, 0, 2, 0], "video/quicktime", AvatarKind.Video },
        { [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81, 1, 0x42, 0xF2, 0x81], "video/webm", AvatarKind.Video },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Recognises_accepted_formats_from_their_first_bytes(byte[] header, string mediaType, AvatarKind kind)
    {
        var media = MediaSniffer.Identify(header);
        Assert.Equal(mediaType, media.MediaType);
        Assert.Equal(kind, media.Kind);
    }

    [Theory]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0 }, "Windows executable")]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0 }, "Linux executable")]
    [InlineData(new byte[] { 0x50, 0x4B, 3, 4, 20, 0, 0, 0 }, "ZIP archive")]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x20, 0x78 }, "unknown format (first bytes 3C737667")]
    public void Refuses_everything_else_and_says_what_it_found(byte[] header, string expected)
    {
        var error = Assert.Throws<AvatarUploadException>(() => MediaSniffer.Identify(header));
        Assert.Contains(expected, error.Message);
        Assert.Equal(415, error.StatusCode);
    }

    [Theory]
    [InlineData("../secret.png")]
    [InlineData("a/b.png")]
    [InlineData("a\\b.png")]
    [InlineData("C:evil.png")]
    [InlineData("x\0.png")]
    public void Refuses_names_that_carry_a_path(string name)
    {
        var error = Assert.Throws<AvatarUploadException>(() => MediaSniffer.DisplayNameFrom(name));
        Assert.Contains("contains a path", error.Message);
    }

    [Theory]
    [InlineData("My Avatar.png", "My Avatar")]
    [InlineData("   ", "Avatar")]
    [InlineData(null, "Avatar")]
    [InlineData("clip.final.mp4", "clip.final")]
    public void Derives_display_names_from_plain_file_names(string? name, string expected) =>
        Assert.Equal(expected, MediaSniffer.DisplayNameFrom(name));
}
