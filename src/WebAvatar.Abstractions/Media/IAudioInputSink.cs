namespace WebAvatar.Media;

/// <summary>
/// Where a transport delivers decoded microphone audio (mono, <see cref="MediaTiming.PipelineSampleRate"/>).
/// <see cref="Write"/> copies the samples and never blocks; the caller keeps ownership of the span.
/// </summary>
public interface IAudioInputSink
{
    void Write(ReadOnlySpan<short> samples);
}
