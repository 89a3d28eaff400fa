using System.Diagnostics;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>Generates the test clips once per test run with Debian's ffmpeg and sox (cached in a temp folder).</summary>
internal static class TestMediaFiles
{
    private static readonly Lazy<string> Folder = new(Generate);

    public static string H264AnnexB => Path.Combine(Folder.Value, "testsrc.h264");

    public static string Vp8Ivf => Path.Combine(Folder.Value, "testsrc.ivf");

    public static string MicWav => Path.Combine(Folder.Value, "mic.wav");

    private static string Generate()
    {
        var folder = Path.Combine(Path.GetTempPath(), "webavatar-webrtc-tests-v1");
        Directory.CreateDirectory(folder);
        const string source = "-f lavfi -i testsrc2=size=320x240:rate=25 -t 4";
        Run("ffmpeg", $"-y -loglevel error {source} -c:v libx264 -profile:v baseline -tune zerolatency -g 25 -pix_fmt yuv420p -x264-params slices=4 -bsf:v h264_mp4toannexb -f h264 {Path.Combine(folder, "testsrc.h264")}", Path.Combine(folder, "testsrc.h264"));
        Run("ffmpeg", $"-y -loglevel error {source} -c:v libvpx -deadline realtime -g 25 -b:v 500k -f ivf {Path.Combine(folder, "testsrc.ivf")}", Path.Combine(folder, "testsrc.ivf"));
        Run("sox", $"-n -r 48000 -c 1 -b 16 {Path.Combine(folder, "mic.wav")} synth 3 sine 300-900 vol 0.5", Path.Combine(folder, "mic.wav"));
        return folder;
    }

    private static void Run(string tool, string arguments, string output)
    {
        if (File.Exists(output) && new FileInfo(output).Length > 0)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Cannot start {tool}.");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {arguments} failed: {errors}");
        }
    }
}
