using System.Diagnostics;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

/// <summary>
/// Generated inputs shared by the Wav2Lip and preprocessing tests, made once per test run in a temp folder:
/// tiny ONNX models (tools/gen_wav2lip_model.py), a talking-head video panned and zoomed over the default avatar,
/// a video without a face, and deterministic audio.
/// </summary>
internal static class Wav2LipTestAssets
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "webavatar-wav2lip-tests", Environment.ProcessId.ToString());
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort: the OS cleans the temp folder eventually
            }
        };
        return folder;
    });

    private static readonly Lazy<string> Tiny96 = new(() => GenerateModel("--tiny", "--size", "96"));
    private static readonly Lazy<string> Identity96 = new(() => GenerateModel("--identity", "--size", "96"));
    private static readonly Lazy<string> Tiny256 = new(() => GenerateModel("--tiny", "--size", "256"));
    private static readonly Lazy<string> PanVideo = new(() => Ffmpeg("pan.mp4",
        "-loop", "1", "-i", DefaultAvatar,
        "-vf", "zoompan=z='1.0+0.004*on':x='iw/2-(iw/zoom/2)+on*1.2':y='ih/2-(ih/zoom/2)':d=1:s=320x320:fps=25",
        "-frames:v", "40", "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    private static readonly Lazy<string> GreenPan = new(() => Ffmpeg("green-pan.mp4",
        "-loop", "1", "-i", GreenScreenAvatar.Write(Folder.Value).Path,
        "-vf", "zoompan=z='1.0+0.004*on':x='iw/2-(iw/zoom/2)+on*1.2':y='ih/2-(ih/zoom/2)':d=1:s=320x320:fps=25",
        "-frames:v", "40", "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    private static readonly Lazy<string> NoFaceVideo = new(() => Ffmpeg("noface.mp4",
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-frames:v", "8", "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    public static string RepoRoot => RepoPaths.Root;

    public static string DefaultAvatar
    {
        get
        {
            var path = Path.Combine(RepoRoot, "wwwroot-assets", "avatars", "default", "avatar.png");
            return File.Exists(path) ? path : throw new InvalidOperationException($"'{path}' is missing: run SKIP_RESTORE=1 ./scripts/setup.sh");
        }
    }

    public static string TinyModel96 => Tiny96.Value;

    public static string TinyModel256 => Tiny256.Value;

    /// <summary>A model that returns its reference face: a correct crop and paste reproduce the base frame.</summary>
    public static string IdentityModel96 => Identity96.Value;

    /// <summary>40 frames at 320x320: a slow zoom-in and pan over the default avatar so the face box moves.</summary>
    public static string TalkingHeadVideo => PanVideo.Value;

    public static string VideoWithoutFace => NoFaceVideo.Value;

    /// <summary>The talking-head pan over the default avatar filmed on a green screen (<see cref="GreenScreenAvatar"/>).</summary>
    public static string GreenScreenVideo => GreenPan.Value;

    /// <summary>A fresh empty folder for one test.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Folder.Value, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Voiced-like audio: harmonics of 140 Hz with a 4 Hz syllable envelope, at 16 kHz.</summary>
    public static short[] Speechlike(double seconds)
    {
        var samples = new short[(int)(seconds * 16000)];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = i / 16000.0;
            double envelope = 0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * t);
            double voice = Math.Sin(2 * Math.PI * 140 * t) + 0.5 * Math.Sin(2 * Math.PI * 280 * t) + 0.3 * Math.Sin(2 * Math.PI * 700 * t);
            samples[i] = (short)(8000 * envelope * voice / 1.8);
        }

        return samples;
    }

    private static string GenerateModel(params string[] args)
    {
        var output = Path.Combine(Folder.Value, $"wav2lip_{string.Join('_', args).Replace("-", "")}.onnx");
        ModelTools.Generate("gen_wav2lip_model.py", [.. args, "-o", output]);
        return output;
    }

    private static string Ffmpeg(string name, params string[] args)
    {
        var output = Path.Combine(Folder.Value, name);
        ModelTools.Run("ffmpeg", ["-v", "error", "-y", .. args, output]);
        return output;
    }

}
