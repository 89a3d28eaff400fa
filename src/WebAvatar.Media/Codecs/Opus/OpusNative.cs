using System.Runtime.InteropServices;

namespace WebAvatar.Media.Codecs.Opus;

/// <summary>Thin P/Invoke surface of Debian's libopus.so.0 (only what WebAvatar uses).</summary>
internal static unsafe partial class OpusNative
{
    private const string Library = "libopus.so.0";

    public const int ApplicationVoip = 2048;
    public const int ApplicationAudio = 2049;
    public const int SetBitrateRequest = 4002;
    public const int GetBitrateRequest = 4003;
    public const int SetInbandFecRequest = 4012;
    public const int GetInbandFecRequest = 4013;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetComplexityRequest = 4010;
    public const int SetDtxRequest = 4016;

    [LibraryImport(Library, EntryPoint = "opus_encoder_create")]
    public static partial IntPtr EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library, EntryPoint = "opus_encoder_destroy")]
    public static partial void EncoderDestroy(IntPtr encoder);

    // opus_encoder_ctl is variadic; a fixed-arity import is ABI-compatible on x86-64 SysV for int arguments.
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(IntPtr encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtlGet(IntPtr encoder, int request, out int value);

    [LibraryImport(Library, EntryPoint = "opus_encode")]
    public static partial int Encode(IntPtr encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(Library, EntryPoint = "opus_decoder_create")]
    public static partial IntPtr DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(Library, EntryPoint = "opus_decoder_destroy")]
    public static partial void DecoderDestroy(IntPtr decoder);

    [LibraryImport(Library, EntryPoint = "opus_decode")]
    public static partial int Decode(IntPtr decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library, EntryPoint = "opus_strerror")]
    public static partial IntPtr StrError(int error);

    [LibraryImport(Library, EntryPoint = "opus_get_version_string")]
    public static partial IntPtr VersionString();

    public static string Describe(int error) => Marshal.PtrToStringAnsi(StrError(error)) ?? $"opus error {error}";

    public static string Version => Marshal.PtrToStringAnsi(VersionString()) ?? "unknown";
}
