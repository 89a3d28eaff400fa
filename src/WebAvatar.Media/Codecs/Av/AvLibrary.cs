namespace WebAvatar.Media.Codecs.Av;

/// <summary>Checks that the loaded FFmpeg libraries match the struct layout the P/Invoke code assumes.</summary>
public static class AvLibrary
{
    public const int ExpectedCodecMajor = 59;
    public const int ExpectedUtilMajor = 57;

    private static readonly Lazy<(int Codec, int Util)> Loaded = new(LoadVersions);

    /// <summary>Major versions of the loaded libavcodec and libavutil.</summary>
    public static (int Codec, int Util) Versions => Loaded.Value;

    /// <summary>Throws <see cref="AvException"/> unless libavcodec 59 and libavutil 57 (FFmpeg 5.1) are loaded.</summary>
    public static void EnsureSupported() => EnsureSupported(Versions.Codec, Versions.Util);

    /// <summary>The check itself, separated so the refusal message can be tested without other libraries.</summary>
    public static void EnsureSupported(int codecMajor, int utilMajor)
    {
        if (codecMajor != ExpectedCodecMajor || utilMajor != ExpectedUtilMajor)
        {
            throw new AvException(
                $"Unsupported FFmpeg libraries: found libavcodec {codecMajor} / libavutil {utilMajor}, but WebAvatar's encoder " +
                $"reads AVFrame/AVPacket fields at offsets checked only against libavcodec {ExpectedCodecMajor} / libavutil {ExpectedUtilMajor} " +
                "(FFmpeg 5.1, Debian bookworm). Install libavcodec59 and libavutil57 (scripts/setup.sh), or re-verify the offsets in AvNative.cs before changing the expected versions.");
        }
    }

    private static (int Codec, int Util) LoadVersions()
    {
        try
        {
            var versions = ((int)(AvNative.CodecVersion() >> 16), (int)(AvNative.UtilVersion() >> 16));
            AvNative.LogSetLevel(AvNative.LogLevelError); // encoders print statistics to stderr on close otherwise
            return versions;
        }
        catch (DllNotFoundException ex)
        {
            throw new AvException(
                $"Cannot load {AvNative.CodecLibrary} / {AvNative.UtilLibrary}: install Debian's libavcodec59 and libavutil57 (scripts/setup.sh does).", ex);
        }
    }
}
