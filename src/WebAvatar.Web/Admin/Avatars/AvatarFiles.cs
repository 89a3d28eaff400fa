using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>Where an avatar's files live: data/avatars/&lt;id&gt;/. Ids are generated hex, checked before any path is built.</summary>
public sealed class AvatarFiles(IOptions<DataOptions> options)
{
    public const string PosterName = "poster.png";
    public const string ThumbnailName = "thumb.png";
    public const string FacePreviewName = "face.png";

    /// <summary>The poster's colour with the avatar's matte as alpha (<see cref="AvatarProcessor"/>), at the face preview's width.</summary>
    public const string MattePreviewName = "matte-preview.png";

    /// <summary>Replacement backgrounds are stored as background-&lt;hex&gt;.&lt;ext&gt;: generated, never the uploader's name.</summary>
    public static string NewBackgroundName(string extension) => "background-" + Guid.NewGuid().ToString("N")[..16] + extension;

    public static bool IsBackgroundName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.StartsWith("background-", StringComparison.Ordinal)
        && name == Path.GetFileName(name) && Path.GetFileNameWithoutExtension(name)["background-".Length..].All(char.IsAsciiHexDigitLower);

    public string Root => Path.Combine(options.Value.ResolvedFolder, "avatars");

    public static string NewId() => Guid.NewGuid().ToString("N")[..16];

    public static bool IsValidId(string? id) => id is { Length: > 0 and <= 32 } && id.All(char.IsAsciiHexDigitLower);

    public string FolderOf(string id) =>
        IsValidId(id) ? Path.Combine(Root, id) : throw new ArgumentException($"'{id}' is not an avatar id.", nameof(id));

    public string SourceOf(AvatarRecord avatar) => Path.Combine(FolderOf(avatar.Id), avatar.StoredFileName);

    public string FileOf(string id, string name) => Path.Combine(FolderOf(id), name);
}
