using System.Text.RegularExpressions;

namespace WebAvatar.Media.Rtmp;

/// <summary>Validation and display of RTMP target URLs (they carry the stream key, a secret).</summary>
public static partial class RtmpTarget
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="url"/> is an absolute rtmp:// or rtmps:// URL with a host and a path.</summary>
    public static Uri Parse(string url)
    {
        if (string.IsNullOrWhiteSpace(url)
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != "rtmp" && uri.Scheme != "rtmps")
            || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath.Trim('/').Length == 0)
        {
            throw new ArgumentException($"'{Mask(url ?? string.Empty)}' is not an RTMP target; expected rtmp://host[:port]/app/streamkey.", nameof(url));
        }

        return uri;
    }

    /// <summary>The URL with its last path segment (the stream key) and any query replaced by ****.</summary>
    public static string Mask(string url)
    {
        int query = url.IndexOf('?');
        string path = query >= 0 ? url[..query] : url;
        int slash = path.LastIndexOf('/');
        int schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
        return slash > schemeEnd + 3 && slash < path.Length - 1 ? path[..(slash + 1)] + "****" : path;
    }

    /// <summary><paramref name="text"/> (an error message, say ffmpeg's) with every RTMP URL in it masked as <see cref="Mask"/> does.</summary>
    public static string MaskAll(string text) => RtmpUrl().Replace(text, m => Mask(m.Value));

    // A URL runs to white space, a quote or a bracket; punctuation just before those ends the sentence, not the URL.
    [GeneratedRegex(@"rtmps?://[^\s'""()<>]+?(?=[:;,.]?(?:[\s'""()<>]|$))", RegexOptions.IgnoreCase)]
    private static partial Regex RtmpUrl();
}
