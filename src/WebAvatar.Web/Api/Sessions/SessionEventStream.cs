using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebAvatar.Cluster.Sessions;
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

    public static async Task<IResult> StreamAsync(string id, ClaimsPrincipal user, ClusterSessions sessions, HttpContext http)
    {
        // The session may run on any node: its grain sends the events here, and holds the session while this stream is open.
        if (await sessions.FollowAsync(id, SessionApiEndpoints.KeyOf(user), http.RequestAborted) is not { } events)
        {
            return SessionApiEndpoints.NotFound(id);
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(ReadAsync(events, http.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> ReadAsync(IAsyncEnumerable<SessionEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = events.GetAsyncEnumerator(cancellationToken);
        Task<bool>? pending = null;
        while (true)
        {
            pending ??= reader.MoveNextAsync().AsTask();
            bool ping;
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(PingInterval, quiet.Token);
                ping = await Task.WhenAny(pending, delay).ConfigureAwait(false) == delay;
                await quiet.CancelAsync().ConfigureAwait(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (ping)
            {
                yield return new SseItem<string>("{}", "ping");
                continue;
            }

            bool more;
            try
            {
                more = await pending.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            pending = null;
            if (!more)
            {
                yield break;
            }

            yield return Item(reader.Current);
            if (reader.Current is SessionEnded)
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
