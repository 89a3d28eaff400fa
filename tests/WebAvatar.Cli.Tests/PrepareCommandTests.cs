using System.Security.Cryptography;

namespace WebAvatar.Cli.Tests;

public sealed class PrepareCommandTests
{
    private static string DefaultAvatar => Path.Combine(CliRunner.Root, "wwwroot-assets", "avatars", "default", "avatar.png");

    [Fact]
    public async Task Prepare_fills_the_face_and_matte_caches_once_and_reads_them_the_second_time()
    {
        var cache = Path.Combine(Path.GetTempPath(), "webavatar-cli-prepare-" + Guid.NewGuid().ToString("N"));
        try
        {
            var environment = new Dictionary<string, string> { ["Avatar__CacheDirectory"] = cache };
            var (code, stdout, stderr) = await CliRunner.RunWithAsync(environment, "prepare", "--avatar", DefaultAvatar);
            Assert.True(code == 0, stderr + stdout);
            Assert.Contains("matte: grabcut, 512x512", stdout);
            Assert.DoesNotContain("(cached)", stdout);
            Assert.Matches(@"Prepared .*avatar\.png in \d+\.\d s", stdout);

            var entry = Path.Combine(cache, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(DefaultAvatar))));
            var matte = Path.Combine(entry, "matte.png");
            Assert.True(File.Exists(Path.Combine(entry, "face.json")), "face analysis cached");
            Assert.True(File.Exists(matte), "matte cached");
            var written = File.GetLastWriteTimeUtc(matte);

            var (again, secondOut, secondErr) = await CliRunner.RunWithAsync(environment, "prepare", "--avatar", DefaultAvatar);
            Assert.True(again == 0, secondErr + secondOut);
            Assert.Contains("(cached)", secondOut);
            Assert.Contains("matte: grabcut", secondOut);
            Assert.Equal(written, File.GetLastWriteTimeUtc(matte)); // read, not made again
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_missing_avatar_is_a_clear_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-avatar-" + Guid.NewGuid().ToString("N") + ".png");
        var (code, _, stderr) = await CliRunner.RunAsync("prepare", "--avatar", missing);
        Assert.Equal(2, code);
        Assert.Contains("not found", stderr);
    }
}
