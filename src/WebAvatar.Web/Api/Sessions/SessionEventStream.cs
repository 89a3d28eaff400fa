using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>
/// GET /api/v1/sessions/{id}/events as Server-Sent Events: one SSE event per session event (event type = its "type", id =
/// its sequence number, data = its JSON), a "ping" every 15 s so proxies keep the connection, and "ended" last. While the
/// stream is open it holds the session (an API lease), so a client that follows events needs no keep-alive calls.
/// </summary>
internal static class SessionEventStream
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    public static IResult StreamAsync(string id, ClaimsPrincipal user, SessionRegistry registry, HttpContext http)
    {
        if (SessionApiEndpoints.FindOwn(registry, user, id) is not { } session)
        {
            return SessionApiEndpoints.NotFound(id);
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(ReadAsync(session, http.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> ReadAsync(LiveSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = session.Subscribe();
        using var hold = session.Leases.Hold(LeaseKind.Api, "event stream");
        yield return Item(new SessionStateChanged(session.State) { SessionId = session.Id });
        var events = subscription.Events;
        while (true)
        {
            SessionEvent? next = null;
            bool ended = false;
            using (var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                ping.CancelAfter(PingInterval);
                try
                {
                    if (await events.WaitToReadAsync(ping.Token))
                    {
                        events.TryRead(out next);
                    }
                    else
                    {
                        ended = true;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    ended = true;
                }
            }

            if (ended)
            {
                yield break;
            }

            yield return next is null ? new SseItem<string>("{}", "ping") : Item(next);
            if (next is SessionEnded)
            {
                yield break;
            }
        }
    }

    // The SSE event type is the message's own JSON discriminator ("state", "transcript"...), read once from its attributes.
    private static readonly Dictionary<Type, string> EventTypes = typeof(SessionEvent)
        .GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false)
        .Cast<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    private static SseItem<string> Item(SessionEvent e) =>
        new(JsonSerializer.Serialize(e, SessionJson.Options), EventTypes.GetValueOrDefault(e.GetType(), "event"))
        {
            EventId = e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
}
