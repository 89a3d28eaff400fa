using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin.Auth;

namespace WebAvatar.Web.Admin.Avatars;

public sealed record SetAvatarPublicRequest(bool IsPublic);

/// <summary>Mode "keep", "remove" or "replace"; Color "#rrggbb" for replace (omit it to use the uploaded picture).</summary>
public sealed record SetAvatarBackgroundRequest(string? Mode, string? Color);

public sealed record AvatarDto(string Id, string Name, string Kind, string MediaType, long SizeBytes, string Status, string? StatusMessage,
    string LipSyncEngine, bool IsDefault, bool IsPublic, int Width, int Height, FaceBox? Face, int ProgressPercent,
    string BackgroundMode, string? BackgroundColor, bool HasBackgroundImage);

/// <summary>
/// /api/admin/avatars: list, multipart upload (one file part), progress, thumbnail, face and matte previews, public flag, background
/// choice (and its picture), delete.
/// </summary>
internal static class AvatarEndpoints
{
    // Multipart boundaries and part headers on top of the file itself.
    private const long MultipartOverheadBytes = 64 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        var avatars = api.MapGroup("/avatars");
        avatars.MapGet("/", ListAsync);
        avatars.MapPost("/", UploadAsync).DisableAntiforgery();
        avatars.MapGet("/{id}/progress", (string id, AvatarProgressTracker tracker) =>
            tracker.Get(id) is { } p ? Results.Ok(p) : Results.NotFound(new { error = $"No preprocessing is running or recorded for '{id}'." }));
        avatars.MapGet("/{id}/thumbnail", (string id, AvatarFiles files) => ImageFile(files, id, AvatarFiles.ThumbnailName));
        avatars.MapGet("/{id}/face", (string id, AvatarFiles files) => ImageFile(files, id, AvatarFiles.FacePreviewName));
        avatars.MapGet("/{id}/matte", (string id, AvatarFiles files) => ImageFile(files, id, AvatarFiles.MattePreviewName));
        avatars.MapPost("/{id}/public", SetPublicAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        avatars.MapPost("/{id}/background", SetBackgroundAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        avatars.MapPost("/{id}/background/image", SetBackgroundImageAsync).DisableAntiforgery();
        avatars.MapDelete("/{id}", async (string id, AvatarLibrary library, CancellationToken ct) =>
            await library.DeleteAsync(id, ct) ? Results.NoContent() : Results.NotFound(new { error = $"Avatar '{id}' does not exist." }));
    }

    private static async Task<IResult> ListAsync(AvatarLibrary library, AvatarProgressTracker tracker, CancellationToken ct)
    {
        var all = await library.ListAsync(ct);
        return Results.Ok(all.Select(a => ToDto(a, tracker)));
    }

    private static async Task<IResult> SetPublicAsync(string id, SetAvatarPublicRequest request, AvatarLibrary library, CancellationToken ct)
    {
        try
        {
            await library.SetPublicAsync(id, request.IsPublic, ct);
            return Results.Ok(new { id, request.IsPublic });
        }
        catch (KeyNotFoundException ex)
        {
            return Results.NotFound(new { error = ex.Message });
        }
    }

    private static async Task<IResult> SetBackgroundAsync(string id, SetAvatarBackgroundRequest? request, AvatarBackgroundEditor editor, CancellationToken ct)
    {
        try
        {
            await editor.SetAsync(id, request?.Mode, request?.Color, ct);
            return Results.Ok(new { id, mode = request!.Mode!.ToLowerInvariant() });
        }
        catch (AvatarUploadException ex)
        {
            return Refuse(ex);
        }
        catch (KeyNotFoundException ex)
        {
            return Results.NotFound(new { error = ex.Message });
        }
    }

    /// <summary>The picture is the request body itself (any content type; its bytes decide), so no form is parsed before the checks.</summary>
    private static async Task<IResult> SetBackgroundImageAsync(string id, HttpContext http, AvatarBackgroundEditor editor, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (http.Request.ContentLength is { } declared && declared > AvatarBackgroundEditor.MaxImageBytes)
        {
            return Refuse(new AvatarUploadException($"The background picture is larger than {AvatarBackgroundEditor.MaxImageBytes / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge));
        }

        if (!http.Request.Headers.ContainsKey(AdminAuthorization.AntiforgeryHeader) || !await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest(new { error = "Missing or invalid antiforgery token: send the value of GET /api/admin/antiforgery in the X-CSRF-TOKEN header." });
        }

        try
        {
            await editor.SetImageAsync(id, http.Request.Body, ct);
            return Results.Ok(new { id, mode = "replace" });
        }
        catch (AvatarUploadException ex)
        {
            return Refuse(ex);
        }
        catch (KeyNotFoundException ex)
        {
            return Results.NotFound(new { error = ex.Message });
        }
    }

    internal static AvatarDto ToDto(AvatarRecord a, AvatarProgressTracker tracker) =>
        new(a.Id, a.Name, a.Kind.ToString(), a.MediaType, a.SizeBytes, a.Status.ToString(), a.StatusMessage, a.LipSyncEngine, a.IsDefault, a.IsPublic,
            a.Width, a.Height, a.Face, a.Status == AvatarStatus.Ready ? 100 : tracker.Get(a.Id)?.Percent ?? 0,
            a.BackgroundMode.ToString().ToLowerInvariant(), a.BackgroundColor, a.BackgroundImage is not null);

    /// <summary>
    /// The body is streamed to disk part by part; nothing is buffered in memory. Antiforgery is checked by
    /// hand (header X-CSRF-TOKEN) because the form is read manually, and only after the size check so a huge
    /// declared body is refused before any of it is read.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, AvatarImporter importer, IAntiforgery antiforgery, CancellationToken ct)
    {
        long limit = importer.MaxBytes + MultipartOverheadBytes;
        if (http.Request.ContentLength is { } declared && declared > limit)
        {
            return Refuse(importer.TooLarge());
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        // Without the header the antiforgery check would read (buffer) the whole form looking for the token.
        if (!http.Request.Headers.ContainsKey(AdminAuthorization.AntiforgeryHeader) || !await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest(new { error = "Missing or invalid antiforgery token: send the value of GET /api/admin/antiforgery in the X-CSRF-TOKEN header." });
        }

        var boundary = GetBoundary(http.Request.ContentType);
        if (boundary is null)
        {
            return Results.BadRequest(new { error = "Send the avatar as multipart/form-data with one file part." });
        }

        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value;
                    var avatar = await importer.ImportAsync(section.Body, HeaderUtilities.RemoveQuotes(fileName).Value, ct);
                    return Results.Created($"/api/admin/avatars/{avatar.Id}", new { avatar.Id, avatar.Name, avatar.MediaType, avatar.SizeBytes });
                }
            }
        }
        catch (AvatarUploadException ex)
        {
            return Refuse(ex);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refuse(importer.TooLarge());
        }
        catch (InvalidDataException ex)
        {
            return Results.BadRequest(new { error = "Malformed multipart body: " + ex.Message });
        }

        return Results.BadRequest(new { error = "The form has no file part; send the avatar as a file field." });
    }

    private static IResult Refuse(AvatarUploadException ex) => Results.Json(new { error = ex.Message }, statusCode: ex.StatusCode);

    private static string? GetBoundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 and <= 200 } boundary
            ? boundary
            : null;

    private static IResult ImageFile(AvatarFiles files, string id, string name)
    {
        if (!AvatarFiles.IsValidId(id))
        {
            return Results.NotFound(new { error = $"'{id}' is not an avatar id." });
        }

        var path = files.FileOf(id, name);
        return File.Exists(path) ? Results.File(path, "image/png") : Results.NotFound(new { error = $"No {name} for avatar '{id}' (yet)." });
    }
}
