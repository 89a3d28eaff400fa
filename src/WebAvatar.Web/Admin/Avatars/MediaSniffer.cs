using System.Text;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

public sealed record SniffedMedia(AvatarKind Kind, string MediaType, string Extension);

/// <summary>
/// Decides what an upload is from its first bytes only; the file name and the declared content type are
/// ignored because both are chosen by the uploader.
/// </summary>
public static class MediaSniffer
{
    /// <summary>Bytes needed to recognise every accepted format.</summary>
    public const int HeaderLength = 16;

    public const string Accepted = "PNG, JPEG, WebP images or MP4, WebM, MOV videos";

    /// <summary>Returns the media type, or throws <see cref="AvatarUploadException"/> (415) naming what was found.</summary>
    public static SniffedMedia Identify(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return new SniffedMedia(AvatarKind.Image, "image/png", ".png");
        }

        if (header.StartsWith((byte[])[0xFF, 0xD8, 0xFF]))
        {
            return new SniffedMedia(AvatarKind.Image, "image/jpeg", ".jpg");
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return new SniffedMedia(AvatarKind.Image, "image/webp", ".webp");
        }

        if (header.StartsWith((byte[])[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return new SniffedMedia(AvatarKind.Video, "video/webm", ".webm");
        }

        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return header[8..12].SequenceEqual("qt  "u8)
                ? new SniffedMedia(AvatarKind.Video, "video/quicktime", ".mov")
                : new SniffedMedia(AvatarKind.Video, "video/mp4", ".mp4");
        }

        string found = header.StartsWith("MZ"u8) ? "a Windows executable (MZ header)"
            : header.StartsWith((byte[])[0x7F, 0x45, 0x4C, 0x46]) ? "a Linux executable (ELF header)"
            : header.StartsWith("PK"u8) ? "a ZIP archive"
            : header.StartsWith("%PDF"u8) ? "a PDF document"
            : header.IsEmpty ? "an empty file"
            : "an unknown format (first bytes " + Convert.ToHexString(header[..Math.Min(8, header.Length)]) + ")";
        throw new AvatarUploadException(
            $"Unsupported file: the content is {found}. Upload {Accepted}; the type is checked from the file's bytes, not its name.",
            StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>
    /// The display name for an upload, from the uploader's file name. A name that carries a path is refused
    /// outright rather than cleaned, so a traversal attempt is visible to the admin.
    /// </summary>
    public static string DisplayNameFrom(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return "Avatar";
        }

        if (fileName.Contains('/') || fileName.Contains('\\') || fileName.Contains("..", StringComparison.Ordinal)
            || fileName.Any(char.IsControl) || fileName.Contains(':'))
        {
            throw new AvatarUploadException(
                $"Refused file name '{Sanitize(fileName)}': it contains a path (/, \\, .. or :). Upload a plain file name such as avatar.png.");
        }

        var name = Path.GetFileNameWithoutExtension(fileName).Trim();
        return name.Length == 0 ? "Avatar" : name.Length > 100 ? name[..100] : name;
    }

    private static string Sanitize(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.Take(120))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
