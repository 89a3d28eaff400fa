using OpenCvSharp;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// GET /api/sessions/{id}/still.jpg: the session's avatar at rest, rendered by the session itself, for a page to show before its
/// video starts (a black box with a button on it told newcomers nothing). The session id is the capability, as for WHEP.
/// </summary>
internal static class SessionStillEndpoint
{
    private const int JpegQuality = 85;

    public static IEndpointRouteBuilder MapSessionStill(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id}/still.jpg", RenderAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(string id, SessionRegistry registry, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is not { IsClosed: false } session)
        {
            return Results.NotFound();
        }

        byte[] jpeg;
        try
        {
            using var frame = await session.Conversation.RenderStillAsync(cancellationToken);
            using var image = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Buffer, frame.Stride);
            jpeg = image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, JpegQuality));
        }
        catch (ObjectDisposedException)
        {
            return Results.NotFound(); // closed while rendering
        }

        return Results.File(jpeg, "image/jpeg");
    }
}
