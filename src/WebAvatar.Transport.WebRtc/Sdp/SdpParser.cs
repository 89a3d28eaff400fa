namespace WebAvatar.Transport.WebRtc.Sdp;

/// <summary>
/// Parses a WebRTC offer (RFC 8866 syntax, RFC 8829 usage). Tolerant of unknown lines and CRLF/LF;
/// strict about what a DTLS-SRTP answer needs, throwing <see cref="SdpException"/> with the reason.
/// </summary>
public static class SdpParser
{
    public const int MaxLines = 4096;

    public static SdpOffer Parse(string sdp)
    {
        if (string.IsNullOrWhiteSpace(sdp))
        {
            throw new SdpException("The offer is empty.");
        }

        var lines = sdp.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length > MaxLines)
        {
            throw new SdpException($"The offer has more than {MaxLines} lines.");
        }

        if (lines[0].Trim() != "v=0")
        {
            throw new SdpException("The offer must start with 'v=0'.");
        }

        var session = new SectionBuilder("session", 0, "");
        var media = new List<SectionBuilder>();
        var bundle = new List<string>();
        var current = session;
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=')
            {
                throw new SdpException($"Line {n + 1} is not '<type>=<value>': '{Truncate(line)}'.");
            }

            string value = line[2..];
            switch (line[0])
            {
                case 'm':
                    current = ParseMediaLine(value, n);
                    media.Add(current);
                    break;
                case 'a':
                    if (value.StartsWith("group:BUNDLE", StringComparison.Ordinal))
                    {
                        bundle.AddRange(value["group:BUNDLE".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    }
                    else
                    {
                        current.AddAttribute(value);
                    }

                    break;
            }
        }

        if (media.Count == 0)
        {
            throw new SdpException("The offer has no media sections (m= lines).");
        }

        var sections = media.Select(m => m.Build(session)).ToList();
        var active = media.Where(m => m.Port != 0).ToList();
        if (active.Count == 0)
        {
            throw new SdpException("Every media section of the offer is rejected (port 0).");
        }

        string ufrag = Require(active[0].Get("ice-ufrag") ?? session.Get("ice-ufrag"), "a=ice-ufrag");
        string password = Require(active[0].Get("ice-pwd") ?? session.Get("ice-pwd"), "a=ice-pwd");
        if (ufrag.Length < 4 || ufrag.Length > 256 || password.Length < 22 || password.Length > 256)
        {
            throw new SdpException("ICE credentials out of range: ice-ufrag needs 4-256 characters and ice-pwd 22-256 (RFC 8839).");
        }

        string fingerprint = ParseFingerprint(active[0].Get("fingerprint") ?? session.Get("fingerprint"));
        string setup = active[0].Get("setup") ?? session.Get("setup") ?? "actpass";
        return new SdpOffer(sections, bundle, ufrag, password, fingerprint, setup);
    }

    private static SectionBuilder ParseMediaLine(string value, int lineIndex)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || !int.TryParse(parts[1].Split('/')[0], out int port) || port < 0 || port > 65535)
        {
            throw new SdpException($"Line {lineIndex + 1}: malformed m= line '{Truncate(value)}'.");
        }

        var section = new SectionBuilder(parts[0], port, parts[2]) { FormatList = string.Join(' ', parts.Skip(3)) };
        foreach (var format in parts.Skip(3))
        {
            if (int.TryParse(format, out int pt) && pt is >= 0 and <= 127)
            {
                section.Formats.Add(pt);
            }
        }

        return section;
    }

    private static string ParseFingerprint(string? value)
    {
        var raw = Require(value, "a=fingerprint");
        var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[0].Equals("sha-256", StringComparison.OrdinalIgnoreCase))
        {
            throw new SdpException($"Unsupported DTLS fingerprint '{Truncate(raw)}': only sha-256 is accepted.");
        }

        var hex = parts[1];
        if (hex.Length != 95 || hex.Split(':').Any(b => b.Length != 2 || !b.All(Uri.IsHexDigit)))
        {
            throw new SdpException("The sha-256 fingerprint must be 32 colon-separated hex bytes.");
        }

        return hex.ToUpperInvariant();
    }

    private static string Require(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new SdpException($"The offer lacks {what}.") : value.Trim();

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";

    private sealed class SectionBuilder(string kind, int port, string protocol)
    {
        private readonly Dictionary<string, string> _single = new(StringComparer.Ordinal);
        private readonly Dictionary<int, (string Name, int Clock, int Channels)> _rtpmap = new();
        private readonly Dictionary<int, string> _fmtp = new();
        private readonly Dictionary<int, List<string>> _feedback = new();
        private readonly List<uint> _ssrcs = new();
        private string? _direction;
        private bool _rtcpMux;

        public string Kind { get; } = kind;

        public int Port { get; } = port;

        public List<int> Formats { get; } = new();

        public string FormatList { get; init; } = "";

        public string? Get(string name) => _single.GetValueOrDefault(name);

        public void AddAttribute(string value)
        {
            int colon = value.IndexOf(':');
            string name = colon < 0 ? value : value[..colon];
            string rest = colon < 0 ? "" : value[(colon + 1)..];
            switch (name)
            {
                case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                    _direction = name;
                    break;
                case "rtcp-mux":
                    _rtcpMux = true;
                    break;
                case "rtpmap":
                    ParseRtpmap(rest);
                    break;
                case "fmtp":
                    if (TrySplitPayloadType(rest, out int fpt, out string fmtp))
                    {
                        _fmtp[fpt] = fmtp;
                    }

                    break;
                case "rtcp-fb":
                    if (TrySplitPayloadType(rest, out int bpt, out string fb))
                    {
                        if (!_feedback.TryGetValue(bpt, out var list))
                        {
                            _feedback[bpt] = list = new List<string>();
                        }

                        list.Add(fb);
                    }

                    break;
                case "ssrc":
                    int space = rest.IndexOf(' ');
                    if (space > 0 && uint.TryParse(rest[..space], out uint ssrc) && !_ssrcs.Contains(ssrc))
                    {
                        _ssrcs.Add(ssrc);
                    }

                    break;
                default:
                    _single.TryAdd(name, rest);
                    break;
            }
        }

        public SdpMediaSection Build(SectionBuilder session)
        {
            var codecs = new List<SdpCodec>();
            foreach (int pt in Formats)
            {
                if (_rtpmap.TryGetValue(pt, out var map))
                {
                    codecs.Add(new SdpCodec(pt, map.Name, map.Clock, map.Channels, _fmtp.GetValueOrDefault(pt, ""), _feedback.GetValueOrDefault(pt) ?? new List<string>()));
                }
            }

            string mid = Get("mid") ?? "";
            if (Port != 0 && mid.Length == 0)
            {
                throw new SdpException($"The {Kind} section has no a=mid; WebRTC offers must label every section.");
            }

            return new SdpMediaSection(Kind, Port, protocol, mid, _direction ?? session._direction ?? "sendrecv", _rtcpMux, codecs, _ssrcs, FormatList);
        }

        private void ParseRtpmap(string rest)
        {
            if (!TrySplitPayloadType(rest, out int pt, out string encoding))
            {
                return;
            }

            var parts = encoding.Split('/');
            if (parts.Length < 2 || !int.TryParse(parts[1], out int clock) || clock <= 0)
            {
                return;
            }

            int channels = parts.Length > 2 && int.TryParse(parts[2], out int c) ? c : 1;
            _rtpmap[pt] = (parts[0], clock, channels);
        }

        private static bool TrySplitPayloadType(string rest, out int payloadType, out string value)
        {
            int space = rest.IndexOf(' ');
            value = space < 0 ? "" : rest[(space + 1)..].Trim();
            return int.TryParse(space < 0 ? rest : rest[..space], out payloadType) && payloadType is >= 0 and <= 127;
        }
    }
}
