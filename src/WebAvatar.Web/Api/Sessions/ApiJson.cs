using System.Text.Json;
using WebAvatar.Sessions;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>Request bodies and answers of /api/v1 in the session messages' one JSON shape, with messages that say what is wrong.</summary>
internal static class ApiJson
{
    /// <summary>Bodies are small; anything bigger is refused before it is read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IResult Ok<T>(T value, int status = StatusCodes.Status200OK) =>
        Results.Json(value, SessionJson.Options, statusCode: status);

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>Reads a JSON body of <typeparamref name="T"/>; an empty body gives <paramref name="empty"/> when allowed.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, T? empty, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The request body exceeds {MaxBodyBytes / 1024} KiB."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The request body exceeds {MaxBodyBytes / 1024} KiB."));
            }
        }

        if (buffer.Length == 0)
        {
            return empty is not null
                ? (empty, null)
                : (null, Problem(StatusCodes.Status400BadRequest, "Missing body", "This call needs a JSON body."));
        }

        if (request.ContentType is not { } type || !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Send the body as application/json."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.ToArray(), SessionJson.Options);
            return value is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", "The body is JSON null; send an object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : string.Empty;
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid for this call{where}: {FirstLine(ex.Message)}"));
        }
    }

    private static string FirstLine(string message)
    {
        int cut = message.IndexOfAny(['\r', '\n']);
        return cut < 0 ? message : message[..cut];
    }
}
