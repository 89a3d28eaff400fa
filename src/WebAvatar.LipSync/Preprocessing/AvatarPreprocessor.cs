using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using WebAvatar.LipSync.Faces;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Turns an uploaded avatar video (or image) into a cached folder of 25 fps frames and face boxes, detecting the face on
/// every frame exactly once (the expensive part) so sessions only paste mouths. Work goes in chunks whose results are
/// written as they finish: a cancelled or killed run resumes after the last completed chunk. Thread-safe: runs are serialised.
/// </summary>
public sealed class AvatarPreprocessor(IOptions<AvatarPreprocessingOptions> options, IFaceDetector faces, FfmpegRunner ffmpeg, ILogger<AvatarPreprocessor> logger)
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];
    private static readonly string[] VideoExtensions = [".mp4", ".webm", ".mov", ".mkv", ".avi", ".m4v"];
    private readonly AvatarPreprocessingOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _framesDetected;
    private long _cropsWritten;

    /// <summary>Frames that went through face detection since start (stays unchanged when a cached avatar is loaded).</summary>
    public long FramesDetected => Interlocked.Read(ref _framesDetected);

    /// <summary>Frames whose face crop was written since start (stays unchanged when a cached avatar is loaded).</summary>
    public long CropsWritten => Interlocked.Read(ref _cropsWritten);

    /// <summary>
    /// Loads the cached preprocessing of <paramref name="avatarPath"/> (a video, an image, or a folder holding one),
    /// building or resuming it first when needed. Reports progress in [0, 1]. Throws <see cref="AvatarException"/> for a
    /// missing or undecodable file, or when too few frames show a face.
    /// </summary>
    public async Task<PreprocessedAvatar> LoadOrPreprocessAsync(string avatarPath, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var source = ResolveSource(avatarPath);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => LoadOrPreprocess(source, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The cache folder used for <paramref name="avatarPath"/> with the current settings.</summary>
    public string CacheFolderFor(string avatarPath)
    {
        var source = ResolveSource(avatarPath);
        return Path.Combine(AppPaths.Resolve(_options.CacheDirectory), CacheKey(HashFile(source), Settings()));
    }

    private PreprocessedAvatar LoadOrPreprocess(string source, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var sourceHash = HashFile(source);
        var settings = Settings();
        var folder = Path.Combine(AppPaths.Resolve(_options.CacheDirectory), CacheKey(sourceHash, settings));
        var manifest = AvatarManifest.TryRead(folder);
        if (manifest is null || manifest.SourceHash != sourceHash || manifest.Settings != settings)
        {
            manifest = Preprocess(source, sourceHash, settings, folder, progress, cancellationToken);
        }
        else
        {
            logger.LogInformation("Avatar {Source}: using cached preprocessing in {Folder}", source, folder);
        }

        PreprocessedAvatar avatar;
        try
        {
            avatar = PreprocessedAvatar.Load(folder, manifest, _options.MaxDecodedMegabytes * 1024L * 1024, cancellationToken);
        }
        catch (AvatarException e)
        {
            logger.LogWarning("Avatar {Source}: cache damaged ({Reason}); rebuilding it", source, e.Message);
            Directory.Delete(folder, recursive: true);
            manifest = Preprocess(source, sourceHash, settings, folder, progress, cancellationToken);
            avatar = PreprocessedAvatar.Load(folder, manifest, _options.MaxDecodedMegabytes * 1024L * 1024, cancellationToken);
        }

        progress?.Report(1.0);
        return avatar;
    }

    private AvatarManifest Preprocess(string source, string sourceHash, string settings, string folder, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(folder, "frames"));
        Directory.CreateDirectory(Path.Combine(folder, "chunks"));
        double? duration = FfmpegFrameReader.ProbeDurationSeconds(ffmpeg, source, cancellationToken);
        int expected = duration is { } d ? Math.Clamp((int)Math.Ceiling(d * MediaTiming.VideoFps), 1, _options.MaxFrames) : _options.MaxFrames;
        logger.LogInformation("Avatar {Source}: preprocessing about {Frames} frames with the {Detector} detector into {Folder}", source, expected, faces.Name, folder);

        var raw = new List<FaceBox?>();
        int width = 0, height = 0, resumed = 0;
        using (var reader = new FfmpegFrameReader(ffmpeg, source, MediaTiming.VideoFps, _options.MaxHeight))
        {
            var chunkBoxes = new List<FaceBox?>();
            DetectionChunk? done = null;
            bool chunkDetected = false;
            for (int frame = 0; frame < _options.MaxFrames; frame++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int chunk = frame / _options.ChunkFrames, inChunk = frame % _options.ChunkFrames;
                if (inChunk == 0)
                {
                    done = DetectionChunk.TryRead(DetectionChunk.PathFor(folder, chunk));
                    if (done is not null && done.FirstFrame != frame)
                    {
                        done = null; // written with another chunk size
                    }

                    chunkBoxes.Clear();
                    chunkDetected = false;
                }

                using var image = reader.ReadFrame();
                if (image is null)
                {
                    break;
                }

                (width, height) = (image.Width, image.Height);
                FaceBox? box;
                if (done is not null && inChunk < done.Boxes.Length && File.Exists(PreprocessedAvatar.FramePath(folder, frame)))
                {
                    box = done.Boxes[inChunk];
                    resumed++;
                }
                else
                {
                    box = DetectWav2LipFace(image);
                    Interlocked.Increment(ref _framesDetected);
                    Cv2.ImWrite(PreprocessedAvatar.FramePath(folder, frame), image, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
                    chunkDetected = true;
                }

                chunkBoxes.Add(box);
                raw.Add(box);
                if (inChunk == _options.ChunkFrames - 1)
                {
                    SaveChunk(folder, chunk, chunkBoxes, chunkDetected);
                    progress?.Report(Math.Min(0.99, (frame + 1.0) / expected));
                }
            }

            if (chunkBoxes.Count is > 0 and var partial && partial < _options.ChunkFrames)
            {
                SaveChunk(folder, (raw.Count - 1) / _options.ChunkFrames, chunkBoxes, chunkDetected);
            }
        }

        if (resumed > 0)
        {
            logger.LogInformation("Avatar {Source}: resumed, {Resumed} frames reused from an earlier run", source, resumed);
        }

        return Finish(source, sourceHash, settings, folder, faces.Name, raw, width, height, cancellationToken);
    }

    private void SaveChunk(string folder, int chunk, List<FaceBox?> boxes, bool changed)
    {
        if (changed)
        {
            new DetectionChunk { FirstFrame = chunk * _options.ChunkFrames, Boxes = [.. boxes] }.Write(DetectionChunk.PathFor(folder, chunk));
        }
    }

    private AvatarManifest Finish(string source, string sourceHash, string settings, string folder, string detector, List<FaceBox?> raw, int width, int height, CancellationToken cancellationToken)
    {
        if (raw.Count == 0)
        {
            Directory.Delete(folder, recursive: true);
            throw new AvatarException($"'{Path.GetFileName(source)}' contains no video frames.");
        }

        int missing = raw.Count(b => b is null);
        if (missing > _options.MaxMissingFaceFraction * raw.Count || missing == raw.Count)
        {
            int first = raw.FindIndex(b => b is null);
            Directory.Delete(folder, recursive: true);
            throw new AvatarException(
                $"No face found in {missing} of {raw.Count} frames of '{Path.GetFileName(source)}' (first at {first / (double)MediaTiming.VideoFps:0.00} s). " +
                "Use a video where one face is visible, frontal and well lit in every frame.");
        }

        var padded = FillMissing(raw)
            .Select(b => b.Pad(_options.PadTop, _options.PadBottom, _options.PadLeft, _options.PadRight, width, height))
            .ToArray();
        var boxes = FaceBoxSmoothing.Smooth(padded, _options.SmoothingWindow);
        var (crops, masks) = FaceCropWriter.Write(folder, boxes, cancellationToken);
        Interlocked.Add(ref _cropsWritten, crops.Length);
        var manifest = new AvatarManifest
        {
            SourceHash = sourceHash,
            SourceName = Path.GetFileName(source),
            Settings = settings,
            FrameCount = raw.Count,
            Fps = MediaTiming.VideoFps,
            Width = width,
            Height = height,
            Detector = detector,
            FramesWithoutFace = missing,
            Boxes = boxes,
            CropSize = FaceCropWriter.CropSize,
            Crops = crops,
            Masks = masks,
        };
        manifest.Write(folder);
        logger.LogInformation("Avatar {Source}: {Frames} frames {Width}x{Height}, {Missing} without a face", source, raw.Count, width, height, missing);
        return manifest;
    }

    /// <summary>Frames without a detection borrow the box of the nearest frame that has one.</summary>
    private static List<FaceBox> FillMissing(List<FaceBox?> raw)
    {
        var result = new List<FaceBox>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            if (raw[i] is { } box)
            {
                result.Add(box);
                continue;
            }

            for (int distance = 1; ; distance++)
            {
                if (i - distance >= 0 && raw[i - distance] is { } before)
                {
                    result.Add(before);
                    break;
                }

                if (i + distance < raw.Count && raw[i + distance] is { } after)
                {
                    result.Add(after);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Wav2Lip was trained on S3FD boxes, which reach the chin: a detector whose boxes stop higher is extended down.</summary>
    private FaceBox? DetectWav2LipFace(Mat frame)
    {
        if (faces.DetectLargestFace(frame) is not { } face)
        {
            return null;
        }

        int chin = (int)(face.Y1 + face.Height * (1 + faces.ChinBelowBox));
        return face with { Y2 = Math.Min(chin, frame.Height) };
    }

    private string Settings()
    {
        return string.Create(CultureInfo.InvariantCulture,
            $"v{AvatarManifest.CurrentVersion};{faces.Name};h{_options.MaxHeight};n{_options.MaxFrames};pad{_options.PadTop},{_options.PadBottom},{_options.PadLeft},{_options.PadRight};s{_options.SmoothingWindow};m{_options.MaxMissingFaceFraction}");
    }

    private static string CacheKey(string sourceHash, string settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceHash + "|" + settings)))[..20];

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string ResolveSource(string avatarPath)
    {
        var path = AppPaths.Resolve(avatarPath);
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray();
            path = files.FirstOrDefault(f => VideoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                ?? files.FirstOrDefault(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                ?? throw new AvatarException($"Avatar folder '{avatarPath}' holds no video ({string.Join(' ', VideoExtensions)}) or image ({string.Join(' ', ImageExtensions)}).");
        }

        if (!File.Exists(path))
        {
            throw new AvatarException($"Avatar file '{avatarPath}' was not found (resolved to '{path}').");
        }

        return path;
    }
}
