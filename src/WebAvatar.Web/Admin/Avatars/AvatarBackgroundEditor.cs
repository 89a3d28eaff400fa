using Microsoft.EntityFrameworkCore;
using OpenCvSharp;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.LipSync;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>
/// An avatar's background choice: keep, remove, or replace with a colour or an uploaded picture. The picture is checked by its
/// bytes (<see cref="MediaSniffer"/>, images only, decodable), limited to <see cref="MaxImageBytes"/> and stored in the avatar's
/// folder under a generated name; the one it replaces is deleted. Bad input throws <see cref="AvatarUploadException"/> (400, 413
/// or 415), an unknown avatar <see cref="KeyNotFoundException"/>.
/// </summary>
public sealed class AvatarBackgroundEditor(IDbContextFactory<WebAvatarDbContext> db, AvatarFiles files, AvatarLibrary library)
{
    public const long MaxImageBytes = 10 * 1024 * 1024;

    /// <summary>Keep or Remove; or Replace with <paramref name="color"/> ("#rrggbb"), or with the picture already uploaded when no colour is given.</summary>
    public async Task SetAsync(string id, string? mode, string? color, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<AvatarBackgroundMode>(mode, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(mode, out _))
        {
            throw new AvatarUploadException($"Unknown background mode '{mode}': use keep, remove or replace.");
        }

        string? normalized = null;
        if (!string.IsNullOrWhiteSpace(color))
        {
            if (!AvatarBackground.TryParseColor(color, out var rgb))
            {
                throw new AvatarUploadException($"'{color}' is not a colour: use #rrggbb, e.g. #00b140.");
            }

            normalized = $"#{rgb.R:x2}{rgb.G:x2}{rgb.B:x2}";
        }

        string? orphan = null;
        await EditAsync(id, avatar =>
        {
            if (parsed == AvatarBackgroundMode.Replace && normalized is null && avatar.BackgroundImage is null)
            {
                throw new AvatarUploadException("Replacing the background needs a colour (#rrggbb) or an uploaded picture.");
            }

            // Refused here rather than at the next session's start, where the visitor would see the error.
            if (parsed != AvatarBackgroundMode.Keep && avatar.Status == AvatarStatus.Ready && !File.Exists(files.FileOf(id, AvatarFiles.MattePreviewName)))
            {
                throw new AvatarUploadException($"This avatar has no matte, so its background can only be kept ({avatar.StatusMessage}).");
            }

            if (parsed != AvatarBackgroundMode.Keep && avatar.LipSyncEngine.Equals("wav2lip", StringComparison.OrdinalIgnoreCase) && !FilmedOnScreen(id))
            {
                throw new AvatarUploadException(
                    "The wav2lip engine removes only a green or blue screen behind filmed footage, and this avatar has none: switch it to the parametric engine first.");
            }

            avatar.BackgroundMode = parsed;
            if (normalized is not null)
            {
                orphan = avatar.BackgroundImage;
                avatar.BackgroundColor = normalized;
                avatar.BackgroundImage = null;
            }
        }, cancellationToken);
        DeleteQuietly(id, orphan);
    }

    /// <summary>Stores <paramref name="content"/> (read to its end, not disposed) and makes it the avatar's replacement background.</summary>
    public async Task SetImageAsync(string id, Stream content, CancellationToken cancellationToken)
    {
        if (await library.FindAsync(id, cancellationToken) is null)
        {
            throw new KeyNotFoundException($"Avatar '{id}' does not exist.");
        }

        var bytes = await ReadLimitedAsync(content, cancellationToken);
        var media = MediaSniffer.Identify(bytes.AsSpan(0, Math.Min(bytes.Length, MediaSniffer.HeaderLength)));
        if (media.Kind != AvatarKind.Image)
        {
            throw new AvatarUploadException($"A background must be a picture ({media.MediaType} is not): upload PNG, JPEG or WebP.", StatusCodes.Status415UnsupportedMediaType);
        }

        using (var decoded = Cv2.ImDecode(bytes, ImreadModes.Color))
        {
            if (decoded.Empty())
            {
                throw new AvatarUploadException($"The {media.MediaType} picture could not be decoded; it may be damaged.");
            }
        }

        var name = AvatarFiles.NewBackgroundName(media.Extension);
        await File.WriteAllBytesAsync(files.FileOf(id, name), bytes, cancellationToken);
        string? orphan = null;
        try
        {
            await EditAsync(id, avatar =>
            {
                orphan = avatar.BackgroundImage;
                avatar.BackgroundMode = AvatarBackgroundMode.Replace;
                avatar.BackgroundImage = name;
                avatar.BackgroundColor = null;
            }, cancellationToken);
        }
        catch
        {
            DeleteQuietly(id, name);
            throw;
        }

        DeleteQuietly(id, orphan);
    }

    /// <summary>The record's choice as sessions take it (the picture by its full path); Keep when a Replace lacks both.</summary>
    public static AvatarBackground ToBackground(AvatarRecord avatar, AvatarFiles files) => avatar.BackgroundMode switch
    {
        AvatarBackgroundMode.Remove => AvatarBackground.Remove,
        AvatarBackgroundMode.Replace when AvatarFiles.IsBackgroundName(avatar.BackgroundImage) =>
            new AvatarBackground(AvatarBackgroundMode.Replace, ImagePath: files.FileOf(avatar.Id, avatar.BackgroundImage!)),
        AvatarBackgroundMode.Replace when avatar.BackgroundColor is { } color => AvatarBackground.ReplaceWithColor(color),
        _ => AvatarBackground.Keep,
    };

    private static async Task<byte[]> ReadLimitedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxImageBytes)
            {
                throw new AvatarUploadException($"The background picture is larger than {MaxImageBytes / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task EditAsync(string id, Action<AvatarRecord> edit, CancellationToken cancellationToken)
    {
        await using (var context = await db.CreateDbContextAsync(cancellationToken))
        {
            var avatar = (AvatarFiles.IsValidId(id) ? await context.Avatars.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) : null)
                ?? throw new KeyNotFoundException($"Avatar '{id}' does not exist.");
            edit(avatar);
            await context.SaveChangesAsync(cancellationToken);
        }

        library.NotifyChanged();
    }

    // Wav2Lip keys its footage frame by frame (a screen is all it can take away), judged, as at session start, on the first frame.
    private bool FilmedOnScreen(string id)
    {
        using var poster = OpenCvSharp.Cv2.ImRead(files.FileOf(id, AvatarFiles.PosterName), OpenCvSharp.ImreadModes.Color);
        return !poster.Empty() && WebAvatar.LipSync.Matting.ChromaKeyer.TryDetectScreen(poster, out _);
    }

    private void DeleteQuietly(string id, string? name)
    {
        if (AvatarFiles.IsBackgroundName(name))
        {
            File.Delete(files.FileOf(id, name!));
        }
    }
}
