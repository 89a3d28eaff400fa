using System.Diagnostics.Metrics;
using WebAvatar.Pipeline.Telemetry;
using WebAvatar.Transport.WebRtc.Peers;

namespace WebAvatar.Web.Metrics;

/// <summary>
/// WebRTC send figures on the app's meter: peers (gauge), bytes sent per media (counter: its rate is the bitrate) and media
/// packets dropped for slow peers (counter). A peer's last figures are kept in the totals after it closes, so the counters
/// never go down; a peer that opened and closed between two collections is not counted.
/// </summary>
public sealed class WebRtcTelemetry
{
    private readonly WebRtcPeerManager _peers;
    private readonly Lock _gate = new();
    private readonly HashSet<WebRtcPeer> _tracked = [];
    private Totals _closed;

    public WebRtcTelemetry(WebRtcPeerManager peers, WebAvatarTelemetry telemetry)
    {
        _peers = peers;
        var meter = telemetry.Meter;
        meter.CreateObservableGauge("webavatar.webrtc.peers", () => peers.Count, "{peer}", "Connected WebRTC peers over all sessions.");
        meter.CreateObservableCounter("webavatar.webrtc.sent", ObserveSent, "By", "Bytes of RTP media sent to WebRTC peers, by media (video, audio); rate() x 8 is the bitrate.");
        meter.CreateObservableCounter("webavatar.webrtc.dropped_packets", () => Sum().Dropped, "{packet}", "Media packets dropped for peers that could not keep up.");
    }

    private IEnumerable<Measurement<long>> ObserveSent()
    {
        var sum = Sum();
        return
        [
            new(sum.VideoBytes, new KeyValuePair<string, object?>("media", "video")),
            new(sum.AudioBytes, new KeyValuePair<string, object?>("media", "audio")),
        ];
    }

    private Totals Sum()
    {
        lock (_gate)
        {
            var live = _peers.Peers;
            _tracked.UnionWith(live);
            foreach (var gone in _tracked.Except(live).ToList())
            {
                _closed += Totals.Of(gone);
                _tracked.Remove(gone);
            }

            return _tracked.Aggregate(_closed, (sum, peer) => sum + Totals.Of(peer));
        }
    }

    private readonly record struct Totals(long VideoBytes, long AudioBytes, long Dropped)
    {
        public static Totals Of(WebRtcPeer peer)
        {
            var stats = peer.GetStats();
            return new(stats.Video?.BytesSent ?? 0, stats.Audio?.BytesSent ?? 0, stats.MediaPacketsDropped);
        }

        public static Totals operator +(Totals a, Totals b) => new(a.VideoBytes + b.VideoBytes, a.AudioBytes + b.AudioBytes, a.Dropped + b.Dropped);
    }
}
