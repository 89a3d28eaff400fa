using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.LipSync;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>
/// Prepares queued avatars: decodes the upload (first frame of a video) with ffmpeg into poster.png,
/// writes the thumbnail, finds the face for the preview, and lets the parametric lip-sync engine load the
/// avatar once so its face analysis is cached before a session needs it, separates it from its background (the matte is cached
/// too, and matte-preview.png shows it); a video is also preprocessed for Wav2Lip
/// (<see cref="Wav2LipAvatarPreparer"/>, the bulk of the time), so it is ready for either engine at 100 %. Progress goes to
/// <see cref="AvatarProgressTracker"/>, the outcome to the avatar's record.
/// </summary>
internal sealed partial class AvatarProcessor(
    AvatarProcessingQueue queue,
    AvatarProgressTracker progress,
    AvatarFiles files,
    IDbContextFactory<WebAvatarDbContext> db,
    IEnumerable<IAvatarRendererFactory> renderers,
    ParametricAvatarRendererFactory parametric,
    Wav2LipAvatarPreparer wav2Lip,
    IFaceDetector faces,
    FfmpegRunner ffmpeg,
    ILogger<AvatarProcessor> logger) : BackgroundService
{
    private const int ThumbnailWidth = 160;
    private const int PreviewWidth = 320;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeUnfinishedAsync(stoppingToken);
        await foreach (var id in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ProcessAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, id, ex);
                await FinishAsync(id, AvatarStatus.Failed, ex is AvatarException or AvatarUploadException or FfmpegException ? ex.Message : "Preprocessing failed: " + ex.Message, null, stoppingToken);
            }
        }
    }

    /// <summary>Uploads interrupted by a restart are processed again.</summary>
    private async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        foreach (var id in await context.Avatars.Where(a => a.Status == AvatarStatus.Processing).Select(a => a.Id).ToListAsync(cancellationToken))
        {
            queue.Enqueue(id);
        }
    }

    private async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        AvatarRecord? avatar;
        await using (var context = await db.CreateDbContextAsync(cancellationToken))
        {
            avatar = await context.Avatars.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        }

        if (avatar is null)
        {
            progress.Forget(id);
            return;
        }

        var clock = Stopwatch.StartNew();
        var source = files.SourceOf(avatar);
        var poster = files.FileOf(id, AvatarFiles.PosterName);

        progress.Report(id, 5, avatar.Kind == AvatarKind.Video ? "Extracting the first video frame" : "Decoding the image");
        await ExtractFirstFrameAsync(source, poster, cancellationToken);

        progress.Report(id, 10, "Writing the thumbnail");
        int width, height;
        using (var image = Cv2.ImRead(poster, ImreadModes.Color))
        {
            if (image.Empty())
            {
                throw new AvatarException("The decoded frame could not be read back; the file may be damaged.");
            }

            (width, height) = (image.Width, image.Height);
            WriteScaled(image, files.FileOf(id, AvatarFiles.ThumbnailName), ThumbnailWidth);

            progress.Report(id, 15, "Finding the face");
            var face = FindFace(image);
            if (face is { } box)
            {
                using var preview = image.Clone();
                Cv2.Rectangle(preview, new Rect(box.X1, box.Y1, box.Width, box.Height), Scalar.LimeGreen, Math.Max(2, width / 160));
                WriteScaled(preview, files.FileOf(id, AvatarFiles.FacePreviewName), PreviewWidth);
            }

            avatar.Face = face is { } f ? new FaceBox { X = f.X1, Y = f.Y1, Width = f.Width, Height = f.Height } : null;
        }

        progress.Report(id, 20, "Lip-sync face analysis (parametric engine)");
        var message = await AnalyseWithLipSyncAsync(avatar, source, poster, cancellationToken);

        progress.Report(id, 22, "Separating the avatar from its background");
        var background = await SeparateBackgroundAsync(id, avatar.Kind == AvatarKind.Image ? source : poster, poster, cancellationToken);
        message = await wav2Lip.PrepareAsync(avatar, source, 25, 99, cancellationToken) ?? message;

        await using (var context = await db.CreateDbContextAsync(cancellationToken))
        {
            var stored = await context.Avatars.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (stored is null)
            {
                progress.Forget(id);
                return;
            }

            stored.Width = width;
            stored.Height = height;
            stored.Face = avatar.Face is null ? null : new FaceBox { X = avatar.Face.X, Y = avatar.Face.Y, Width = avatar.Face.Width, Height = avatar.Face.Height };
            stored.Status = AvatarStatus.Ready;
            stored.StatusMessage = (message ?? (avatar.Face is null ? "Ready (no face box found for the preview)" : "Ready")) + "; " + background;
            await context.SaveChangesAsync(cancellationToken);
        }

        progress.Report(id, 100, "Ready");
        LogReady(logger, id, width, height, clock.ElapsedMilliseconds);
    }

    private async Task<string?> AnalyseWithLipSyncAsync(AvatarRecord avatar, string source, string poster, CancellationToken cancellationToken)
    {
        var engine = renderers.FirstOrDefault(r => r.EngineName.Equals("parametric", StringComparison.OrdinalIgnoreCase))
            ?? renderers.FirstOrDefault(r => r.IsAvailable)
            ?? throw new AvatarException("No lip-sync engine is installed, so the avatar cannot be analysed.");
        try
        {
            using var renderer = await engine.CreateAsync(source, cancellationToken);
            return null;
        }
        catch (Exception ex) when (avatar.Kind == AvatarKind.Video && ex is not OperationCanceledException)
        {
            // Engines that only draw still images still get the face analysis of the first frame.
            using var renderer = await engine.CreateAsync(poster, cancellationToken);
            return $"Ready; the {engine.EngineName} engine animates the first frame of this video";
        }
    }

    /// <summary>
    /// The matte of the still the parametric engine animates (the upload itself for a picture, so a session finds it in the
    /// cache), and matte-preview.png from it. A matte that cannot be made leaves the avatar usable with its background kept:
    /// the returned line says why, as it does which method made the matte.
    /// </summary>
    private async Task<string> SeparateBackgroundAsync(string id, string still, string poster, CancellationToken cancellationToken)
    {
        var preview = files.FileOf(id, AvatarFiles.MattePreviewName);
        File.Delete(preview);
        AvatarPreparation prepared;
        try
        {
            prepared = await parametric.PrepareAsync(still, cancellationToken);
        }
        catch (AvatarException ex)
        {
            return "the background cannot be removed: " + ex.Message;
        }

        if (prepared.Matte is not { } matte)
        {
            return "the background cannot be removed: " + prepared.MatteProblem;
        }

        WriteMattePreview(poster, matte, preview);
        return "background separated by " + matte.Method;
    }

    private static void WriteMattePreview(string poster, AlphaMatte matte, string path)
    {
        using var colour = Cv2.ImRead(poster, ImreadModes.Color);
        int height = Math.Max(1, (int)Math.Round(colour.Height * (double)PreviewWidth / colour.Width));
        var size = new Size(PreviewWidth, height);
        using var scaled = new Mat();
        Cv2.Resize(colour, scaled, size, 0, 0, InterpolationFlags.Area);
        using var alpha = Mat.FromPixelData(matte.Height, matte.Width, MatType.CV_8UC1, matte.Alpha);
        using var alphaScaled = new Mat();
        Cv2.Resize(alpha, alphaScaled, size, 0, 0, InterpolationFlags.Area);
        Cv2.Split(scaled, out var channels);
        using var rgba = new Mat();
        try
        {
            Cv2.Merge([channels[0], channels[1], channels[2], alphaScaled], rgba);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        if (!Cv2.ImWrite(path, rgba))
        {
            throw new IOException("Could not write " + path);
        }
    }

    /// <summary>The preview is a convenience: without the detector's data the avatar is still accepted, just without a face box.</summary>
    private LipSync.Preprocessing.FaceBox? FindFace(Mat image) => faces.IsAvailable ? faces.DetectLargestFace(image) : null;

    private static void WriteScaled(Mat image, string path, int width)
    {
        int height = Math.Max(1, (int)Math.Round(image.Height * (double)width / image.Width));
        using var scaled = new Mat();
        Cv2.Resize(image, scaled, new Size(width, height), 0, 0, InterpolationFlags.Area);
        if (!Cv2.ImWrite(path, scaled))
        {
            throw new IOException("Could not write " + path);
        }
    }

    private async Task ExtractFirstFrameAsync(string source, string poster, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await ffmpeg.RunAsync(["-nostdin", "-v", "error", "-y", "-i", source, "-frames:v", "1", "-f", "image2", "-c:v", "png", poster], timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AvatarException("Decoding took longer than 60 s; the file is too complex or damaged.");
        }
        catch (FfmpegException ex) when (ex.ExitCode is not null)
        {
            throw new AvatarException("The file could not be decoded as an image or video: " + ex.Message, ex);
        }

        if (!File.Exists(poster))
        {
            throw new AvatarException("The file could not be decoded as an image or video: no frame decoded");
        }
    }

    private async Task FinishAsync(string id, AvatarStatus status, string message, FaceBox? face, CancellationToken cancellationToken)
    {
        try
        {
            await using var context = await db.CreateDbContextAsync(cancellationToken);
            var stored = await context.Avatars.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (stored is not null)
            {
                stored.Status = status;
                stored.StatusMessage = message;
                stored.Face ??= face;
                await context.SaveChangesAsync(cancellationToken);
            }
        }
        finally
        {
            progress.Fail(id, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Avatar {AvatarId} preprocessing failed")]
    private static partial void LogFailed(ILogger logger, string avatarId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Avatar {AvatarId} ready ({Width}x{Height}) after {Milliseconds} ms of preprocessing")]
    private static partial void LogReady(ILogger logger, string avatarId, int width, int height, long milliseconds);
}
