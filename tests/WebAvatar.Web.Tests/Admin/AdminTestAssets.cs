namespace WebAvatar.Web.Tests.Admin;

/// <summary>Upload fixtures: the default avatar (scripts/setup.sh fetches it) and a 2 s MP4 made from it with ffmpeg.</summary>
internal static class AdminTestAssets
{
    private static readonly Lazy<string> Video = new(MakeVideo);

    public static string AvatarPng
    {
        get
        {
            var path = Path.Combine(RepoPaths.Root, "wwwroot-assets", "avatars", "default", "avatar.png");
            return File.Exists(path) ? path : throw new FileNotFoundException("Run scripts/setup.sh first: it fetches the default avatar.", path);
        }
    }

    public static string AvatarMp4 => Video.Value;

    private static string MakeVideo()
    {
        var path = Path.Combine(RepoPaths.Artifacts("admin-fixtures"), "avatar-2s.mp4");
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return path;
        }

        ModelTools.Run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-loop", "1", "-i", AvatarPng, "-t", "2", "-r", "25", "-vf", "scale=320:320", "-c:v", "libx264", "-pix_fmt", "yuv420p", path]);
        return path;
    }
}
