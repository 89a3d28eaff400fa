using OpenCvSharp;
using WebAvatar.Media;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// GET /api/sessions/{id}/still.jpg and still.png: the session's avatar at rest, rendered by the session itself (on whichever
/// node runs it), for a page to show before its video starts (a black box with a button on it told newcomers nothing). The PNG
/// keeps a removed background transparent; the JPEG shows it white. The session id is the capability, as for WHEP.
/// </summary>
internal static class SessionStillEndpoint
{
    public static IEndpointRouteBuilder MapSessionStill(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id}/still.jpg", (string id, ClusterSessions sessions) => RenderAsync(id, sessions, png: false)).ExcludeFromDescription();
        app.MapGet("/api/sessions/{id}/still.png", (string id, ClusterSessions sessions) => RenderAsync(id, sessions, png: true)).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(string id, ClusterSessions sessions, bool png) =>
        sessions.Session(id) is { } grain && await grain.StillAsync(png) is { } encoded
            ? Results.File(encoded, png ? "image/png" : "image/jpeg")
            : Results.NotFound();
}

/// <summary>The session's still, encoded with OpenCV (the node that runs the session calls it through the session's grain).</summary>
internal sealed class SessionStills : ISessionStills
{
    private const int JpegQuality = 85;

    public async Task<byte[]> EncodeAsync(LiveSession session, bool png, CancellationToken cancellationToken)
    {
        using var frame = await session.Conversation.RenderStillAsync(cancellationToken);
        return Encode(frame, png);
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
