using WebAvatar.Media;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Sdp;

namespace WebAvatar.Transport.WebRtc.Signalling;

/// <summary>WHEP-style signalling (offer in, answer out, no trickle) plus the browser script.</summary>
public static class WebRtcEndpoints
{
    public const string DefaultPrefix = "/api/webrtc";
    public const string ScriptFileName = "webavatar-webrtc.js";
    private const string SdpContentType = "application/sdp";

    /// <summary>
    /// Maps POST {prefix}/{sessionId} (offer -> 201 answer + Location), DELETE {prefix}/{sessionId}/{peerId},
    /// GET {prefix}/{sessionId}/{peerId}/stats and GET {prefix}/webavatar-webrtc.js.
    /// </summary>
    public static IEndpointRouteBuilder MapWebRtcEndpoints(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/" + ScriptFileName, ServeScript);
        group.MapPost("/{sessionId}", PostOfferAsync);
        group.MapDelete("/{sessionId}/{peerId}", DeletePeerAsync);
        group.MapGet("/{sessionId}/{peerId}/stats", (string sessionId, string peerId, WebRtcPeerManager peers) =>
            peers.Find(sessionId, peerId) is { } peer ? Results.Json(peer.GetStats()) : Results.NotFound());
        return endpoints;
    }

    private static async Task<IResult> PostOfferAsync(string sessionId, HttpRequest request, WebRtcPeerManager peers, IOptions<WebRtcOptions> options, CancellationToken cancellationToken)
    {
        if (!IsSdp(request.ContentType))
        {
            return Results.Text($"Content-Type must be {SdpContentType}.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        int limit = options.Value.MaxOfferBytes;
        if (request.ContentLength > limit)
        {
            return Results.Text($"The offer exceeds {limit} bytes.", statusCode: StatusCodes.Status400BadRequest);
        }

        string? offer = await ReadBoundedAsync(request.Body, limit, cancellationToken);
        if (offer is null)
        {
            return Results.Text($"The offer exceeds {limit} bytes.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            string? answer = null, peerId = null;
            var layout = VideoLayout.Opaque;
            if (await peers.CreatePeerAsync(sessionId, offer, cancellationToken) is { } created)
            {
                (answer, peerId, layout) = (created.AnswerSdp, created.Peer.Id, created.VideoLayout);
            }
            else if (request.HttpContext.RequestServices.GetService<IRemoteWebRtcSessions>() is { } remote
                && await remote.OfferAsync(sessionId, offer, cancellationToken) is { } answered)
            {
                // The session runs on another node: its answer carries that node's address, and media goes there.
                (answer, peerId, layout) = (answered.AnswerSdp, answered.PeerId, answered.VideoLayout);
            }

            if (answer is null)
            {
                return Results.Text($"Unknown session '{sessionId}'.", statusCode: StatusCodes.Status404NotFound);
            }

            string location = $"{request.PathBase}{request.Path.Value!.TrimEnd('/')}/{peerId}";
            return new SdpAnswerResult(answer, location, layout);
        }
        catch (SdpException e)
        {
            return Results.Text(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (WebRtcCapacityException e)
        {
            return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> DeletePeerAsync(string sessionId, string peerId, WebRtcPeerManager peers, HttpContext http, CancellationToken cancellationToken)
    {
        bool closed = peers.ClosePeer(sessionId, peerId)
            || (http.RequestServices.GetService<IRemoteWebRtcSessions>() is { } remote && await remote.ClosePeerAsync(sessionId, peerId, cancellationToken));
        return closed ? Results.NoContent() : Results.NotFound();
    }

    private static bool IsSdp(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(SdpContentType, StringComparison.OrdinalIgnoreCase);

    private static async Task<string?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 1];
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total > limit ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static IResult ServeScript()
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ScriptFileName)
            ?? throw new InvalidOperationException($"Embedded resource {ScriptFileName} is missing from the build.");
        return Results.Stream(stream, "text/javascript; charset=utf-8");
    }

    /// <summary>Response header naming the video layout ("color-alpha-side-by-side" when frames carry transparency; absent when opaque).</summary>
    public const string VideoLayoutHeader = "X-WebAvatar-Video-Layout";

    public const string ColorAlphaSideBySide = "color-alpha-side-by-side";

    private sealed class SdpAnswerResult(string answer, string location, VideoLayout layout) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status201Created;
            response.ContentType = SdpContentType;
            response.Headers.Location = location;
            response.Headers.CacheControl = "no-store";
            if (layout == VideoLayout.ColorAlphaSideBySide)
            {
                response.Headers[VideoLayoutHeader] = ColorAlphaSideBySide;
            }

            return response.WriteAsync(answer, httpContext.RequestAborted);
        }
    }
}
