namespace WebAvatar.Media;

public enum MediaCodec
{
    H264,
    Vp8,
    Opus,
    Aac,
}

public static class MediaCodecExtensions
{
    public static bool IsVideo(this MediaCodec codec) => codec is MediaCodec.H264 or MediaCodec.Vp8;
}

/// <summary>
/// One encoded access unit (a whole video frame, or one audio frame). Immutable and shared by every
/// subscriber of a session, so <see cref="Data"/> must never be written after publication.
/// </summary>
/// <param name="Codec">Codec of the payload. H.264 is Annex-B (start codes), SPS/PPS repeated on keyframes.</param>
/// <param name="Data">The payload.</param>
/// <param name="PtsMicroseconds">Presentation time on the session media clock (the same clock for audio and video).</param>
/// <param name="DurationMicroseconds">Duration covered by the unit.</param>
/// <param name="IsKeyFrame">True for IDR / VP8 key frames; always true for audio.</param>
public sealed record EncodedPacket(
    MediaCodec Codec,
    ReadOnlyMemory<byte> Data,
    long PtsMicroseconds,
    long DurationMicroseconds,
    bool IsKeyFrame);
