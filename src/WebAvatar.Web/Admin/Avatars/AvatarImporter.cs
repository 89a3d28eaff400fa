using System.Buffers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>
/// Stores an uploaded avatar: checks the name and the first bytes before anything is written, streams the
/// rest to data/avatars/&lt;new id&gt;/source.&lt;ext&gt; while counting bytes against the size limit, then records
/// it and queues the preprocessing. The caller owns <c>content</c>; it is read to the end and not disposed.
/// </summary>
public sealed class AvatarImporter(
    IDbContextFactory<WebAvatarDbContext> db,
    AvatarFiles files,
    AvatarProcessingQueue queue,
    AvatarProgressTracker progress,
    IOptions<AdminOptions> options,
    TimeProvider time)
{
    public long MaxBytes => options.Value.MaxUploadBytes;

    public async Task<AvatarRecord> ImportAsync(Stream content, string? fileName, CancellationToken cancellationToken)
    {
        var displayName = MediaSniffer.DisplayNameFrom(fileName);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        string? folder = null;
        try
        {
            int headerLength = await ReadAtLeastAsync(content, buffer, MediaSniffer.HeaderLength, cancellationToken);
            var media = MediaSniffer.Identify(buffer.AsSpan(0, headerLength));

            var id = AvatarFiles.NewId();
            folder = files.FolderOf(id);
            Directory.CreateDirectory(folder);
            var storedName = "source" + media.Extension;
            var partial = Path.Combine(folder, storedName + ".part");
            long total = 0;
            await using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
            {
                int read = headerLength;
                while (read > 0)
                {
                    total += read;
                    if (total > MaxBytes)
                    {
                        throw TooLarge();
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    read = await content.ReadAsync(buffer, cancellationToken);
                }
            }

            File.Move(partial, Path.Combine(folder, storedName));
            var avatar = new AvatarRecord
            {
                Id = id,
                Name = displayName,
                Kind = media.Kind,
                MediaType = media.MediaType,
                StoredFileName = storedName,
                SizeBytes = total,
                Status = AvatarStatus.Processing,
                StatusMessage = "Queued",
                CreatedUtc = time.GetUtcNow().UtcDateTime,
            };
            await using (var context = await db.CreateDbContextAsync(cancellationToken))
            {
                context.Avatars.Add(avatar);
                await context.SaveChangesAsync(cancellationToken);
            }

            folder = null;
            progress.Report(id, 5, "Queued");
            queue.Enqueue(id);
            return avatar;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (folder is not null)
            {
                TryDelete(folder);
            }
        }
    }

    public AvatarUploadException TooLarge() =>
        new($"The file is larger than the {options.Value.MaxUploadMegabytes} MB upload limit (setting Admin:MaxUploadMegabytes).", StatusCodes.Status413PayloadTooLarge);

    private static async Task<int> ReadAtLeastAsync(Stream content, byte[] buffer, int minimum, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < minimum)
        {
            int read = await content.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
