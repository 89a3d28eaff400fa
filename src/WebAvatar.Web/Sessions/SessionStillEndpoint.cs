using OpenCvSharp;
using WebAvatar.Media;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// GET /api/sessions/{id}/still.jpg and still.png: the session's avatar at rest, rendered by the session itself, for a page to show
/// before its video starts (a black box with a button on it told newcomers nothing). The PNG keeps a removed background transparent;
/// the JPEG shows it white. The session id is the capability, as for WHEP.
/// </summary>
internal static class SessionStillEndpoint
{
    private const int JpegQuality = 85;

    public static IEndpointRouteBuilder MapSessionStill(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id}/still.jpg", (string id, SessionRegistry registry, CancellationToken cancellationToken) =>
            RenderAsync(id, registry, png: false, cancellationToken)).ExcludeFromDescription();
        app.MapGet("/api/sessions/{id}/still.png", (string id, SessionRegistry registry, CancellationToken cancellationToken) =>
            RenderAsync(id, registry, png: true, cancellationToken)).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(string id, SessionRegistry registry, bool png, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is not { IsClosed: false } session)
        {
            return Results.NotFound();
        }

        byte[] encoded;
        try
        {
            using var frame = await session.Conversation.RenderStillAsync(cancellationToken);
            encoded = Encode(frame, png);
        }
        catch (ObjectDisposedException)
        {
            return Results.NotFound(); // closed while rendering
        }

        return Results.File(encoded, png ? "image/png" : "image/jpeg");
    }

    private static byte[] Encode(VideoFrame frame, bool png)
    {
        if (frame.Layout != VideoLayout.ColorAlphaSideBySide)
        {
            using var image = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Buffer, frame.Stride);
            return png ? image.ImEncode(".png") : image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, JpegQuality));
        }

        int width = frame.Width / 2;
        if (!png)
        {
            using var white = new VideoFrame(width, frame.Height);
            SideBySideAlpha.OverColor(frame, (255, 255, 255), white);
            using var opaque = Mat.FromPixelData(white.Height, width, MatType.CV_8UC3, white.Buffer, white.Stride);
            return opaque.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, JpegQuality));
        }

        var bgra = new byte[width * frame.Height * 4];
        SideBySideAlpha.ToBgra(frame, bgra);
        using var transparent = Mat.FromPixelData(frame.Height, width, MatType.CV_8UC4, bgra);
        return transparent.ImEncode(".png");
    }
}
