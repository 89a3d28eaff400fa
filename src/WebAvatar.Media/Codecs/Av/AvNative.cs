using System.Runtime.InteropServices;

namespace WebAvatar.Media.Codecs.Av;

/// <summary>
/// The slice of Debian's libavcodec 59 / libavutil 57 (FFmpeg 5.1) that WebAvatar calls. There are no
/// generated bindings: codec contexts are configured only through <c>av_opt_set</c>, and the few
/// AVFrame/AVPacket fields we touch are read at offsets checked against the 5.1 headers, which is
/// why <see cref="AvLibrary.EnsureSupported"/> refuses any other major version.
/// </summary>
internal static unsafe partial class AvNative
{
    public const string CodecLibrary = "libavcodec.so.59";
    public const string UtilLibrary = "libavutil.so.57";

    public const int SearchChildren = 1;
    public const int ErrorEagain = -11;
    public const int ErrorEof = -0x20464F45; // FFERRTAG('E','O','F',' ')

    public const int PixelFormatYuv420P = 0;
    public const int SampleFormatFloatPlanar = 8;
    public const int PictureTypeNone = 0;
    public const int PictureTypeI = 1;
    public const int PacketFlagKey = 1;

    // AVFrame (libavutil 57, x86-64).
    public const int FrameData = 0;
    public const int FrameLinesize = 64;
    public const int FrameWidth = 104;
    public const int FrameHeight = 108;
    public const int FrameNbSamples = 112;
    public const int FrameFormat = 116;
    public const int FramePictType = 124;
    public const int FramePts = 136;
    public const int FrameChLayout = 448;

    // AVPacket (libavcodec 59, x86-64).
    public const int PacketPts = 8;
    public const int PacketData = 24;
    public const int PacketSize = 32;
    public const int PacketFlags = 40;

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_version")]
    public static partial uint CodecVersion();

    [LibraryImport(UtilLibrary, EntryPoint = "avutil_version")]
    public static partial uint UtilVersion();

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_find_encoder_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr FindEncoderByName(string name);

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_alloc_context3")]
    public static partial IntPtr AllocContext(IntPtr codec);

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_free_context")]
    public static partial void FreeContext(ref IntPtr context);

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_open2")]
    public static partial int Open(IntPtr context, IntPtr codec, IntPtr options);

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_send_frame")]
    public static partial int SendFrame(IntPtr context, IntPtr frame);

    [LibraryImport(CodecLibrary, EntryPoint = "avcodec_receive_packet")]
    public static partial int ReceivePacket(IntPtr context, IntPtr packet);

    [LibraryImport(CodecLibrary, EntryPoint = "av_packet_alloc")]
    public static partial IntPtr PacketAlloc();

    [LibraryImport(CodecLibrary, EntryPoint = "av_packet_free")]
    public static partial void PacketFree(ref IntPtr packet);

    [LibraryImport(CodecLibrary, EntryPoint = "av_packet_unref")]
    public static partial void PacketUnref(IntPtr packet);

    [LibraryImport(UtilLibrary, EntryPoint = "av_frame_alloc")]
    public static partial IntPtr FrameAlloc();

    [LibraryImport(UtilLibrary, EntryPoint = "av_frame_free")]
    public static partial void FrameFree(ref IntPtr frame);

    [LibraryImport(UtilLibrary, EntryPoint = "av_frame_get_buffer")]
    public static partial int FrameGetBuffer(IntPtr frame, int align);

    [LibraryImport(UtilLibrary, EntryPoint = "av_frame_make_writable")]
    public static partial int FrameMakeWritable(IntPtr frame);

    [LibraryImport(UtilLibrary, EntryPoint = "av_channel_layout_default")]
    public static partial void ChannelLayoutDefault(IntPtr layout, int channels);

    [LibraryImport(UtilLibrary, EntryPoint = "av_opt_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OptSet(IntPtr obj, string name, string value, int searchFlags);

    [LibraryImport(UtilLibrary, EntryPoint = "av_opt_get_int", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OptGetInt(IntPtr obj, string name, int searchFlags, out long value);

    [LibraryImport(UtilLibrary, EntryPoint = "av_opt_find", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OptFind(IntPtr obj, string name, string? unit, int optionFlags, int searchFlags);

    /// <summary>AVOption.offset: after the name and help pointers.</summary>
    public const int OptionOffset = 16;

    public const int LogLevelError = 16;

    [LibraryImport(UtilLibrary, EntryPoint = "av_log_set_level")]
    public static partial void LogSetLevel(int level);

    [LibraryImport(UtilLibrary, EntryPoint = "av_strerror")]
    public static partial int StrError(int error, byte* buffer, nuint size);

    public static string Describe(int error)
    {
        byte* buffer = stackalloc byte[128];
        return StrError(error, buffer, 128) == 0 ? Marshal.PtrToStringAnsi((IntPtr)buffer) ?? $"error {error}" : $"error {error}";
    }

    public static ref T Field<T>(IntPtr structure, int offset)
        where T : unmanaged => ref *(T*)((byte*)structure + offset);
}
