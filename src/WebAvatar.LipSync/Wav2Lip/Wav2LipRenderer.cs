using System.Runtime.CompilerServices;
using WebAvatar.Dsp;
using WebAvatar.LipSync.Preprocessing;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// Wav2Lip lip-sync for one session: speech frames are the avatar's base frames (same ping-pong timeline as idle)
/// with a generated mouth pasted in; silent stretches reuse base frames without inference. Batches: a small first one
/// for latency, then <see cref="Wav2LipOptions.BatchSize"/>. Not thread-safe (one session's render loop calls it).
/// </summary>
public sealed class Wav2LipRenderer : IAvatarRenderer
{
    private readonly PreprocessedAvatar _avatar;
    private readonly byte[][] _crops;
    private readonly Wav2LipOptions _options;
    private readonly Wav2LipInference _inference;
    private readonly FacePaster _paster;
    private long _framesInferred;

    internal Wav2LipRenderer(Wav2LipModel model, PreprocessedAvatar avatar, byte[][] crops, Wav2LipOptions options)
    {
        _avatar = avatar;
        _crops = crops;
        _paster = new FacePaster(avatar.Masks);
        _options = options;
        _inference = new Wav2LipInference(model, Math.Max(options.BatchSize, options.FirstBatchSize));
    }

    public string EngineName => Wav2LipRendererFactory.Name;

    public int Width => _avatar.Width;

    public int Height => _avatar.Height;

    /// <summary>Frames that went through the model so far (silent frames do not).</summary>
    public long FramesInferred => Interlocked.Read(ref _framesInferred);

    /// <summary>Blend masks computed at paste time because the avatar cache lacked them (0 for a complete cache).</summary>
    internal int MasksComputed => _paster.MasksComputed;

    /// <summary>The face box the mouth is pasted into at session slot <paramref name="slot"/>.</summary>
    public FaceBox BoxForSlot(long slot) => _avatar.Boxes[_avatar.FrameForSlot(slot)];

    public VideoFrame RenderIdle(long frameIndex) => BaseFrame(_avatar.FrameForSlot(frameIndex));

    public int IdleLoopFrames => AvatarTimeline.ReplayLoopFrames(_avatar.FrameCount);

    public async IAsyncEnumerable<VideoFrame> RenderSpeechAsync(SpeechClip clip, long firstFrameIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentOutOfRangeException.ThrowIfNegative(firstFrameIndex);
        int frameCount = MediaTiming.FramesForSamples(clip.Samples.Length);
        if (frameCount == 0)
        {
            yield break;
        }

        var mel = await Task.Run(() => Wav2LipMelSpectrogram.Compute(clip.Samples), cancellationToken).ConfigureAwait(false);
        var batch = new List<VideoFrame>(_inference.Capacity);
        try
        {
            for (int next = 0; next < frameCount;)
            {
                int count = Math.Min(next == 0 ? Math.Min(_options.FirstBatchSize, _inference.Capacity) : _inference.Capacity, frameCount - next);
                int first = next;
                await Task.Run(() => RenderBatch(clip.Samples, mel, first, count, firstFrameIndex, batch), cancellationToken).ConfigureAwait(false);
                next += count;
                for (int i = 0; i < batch.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var frame = batch[i];
                    batch[i] = null!; // handed over: the caller disposes it
                    yield return frame;
                }

                batch.Clear();
            }
        }
        finally
        {
            // Frames rendered but not handed over (cancellation, or the caller stopped enumerating) go back to the pool.
            foreach (var frame in batch)
            {
                frame?.Dispose();
            }
        }
    }

    private void RenderBatch(short[] samples, Wav2LipMelSpectrogram mel, int first, int count, long firstSlot, List<VideoFrame> frames)
    {
        Span<int> inferred = stackalloc int[count];
        int items = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                int videoFrame = first + i;
                int baseIndex = _avatar.FrameForSlot(firstSlot + videoFrame);
                frames.Add(BaseFrame(baseIndex));
                if (IsSilent(samples, videoFrame))
                {
                    continue;
                }

                mel.CopyWindow(videoFrame, _inference.Mel(items));
                FacePaster.FillModelInput(_crops[baseIndex], _inference.FaceSize, _inference.Faces(items));
                inferred[items++] = i;
            }

            if (items == 0)
            {
                return;
            }

            _inference.Run(items);
            Interlocked.Add(ref _framesInferred, items);
            for (int item = 0; item < items; item++)
            {
                int i = inferred[item];
                int baseIndex = _avatar.FrameForSlot(firstSlot + first + i);
                _paster.Paste(frames[i].Pixels, Width, _avatar.Boxes[baseIndex], _inference.Output(item), _inference.FaceSize);
            }
        }
        catch
        {
            foreach (var frame in frames)
            {
                frame.Dispose();
            }

            frames.Clear();
            throw;
        }
    }

    /// <summary>True when the audio under this frame's mel window (16 mel frames of +-400 samples each) is below the silence RMS.</summary>
    private bool IsSilent(short[] samples, int videoFrame)
    {
        int start = Math.Max(0, Wav2LipMelSpectrogram.WindowStart(videoFrame) * Wav2LipMelSpectrogram.Hop - Wav2LipMelSpectrogram.FftSize / 2);
        int end = Math.Min(samples.Length, (Wav2LipMelSpectrogram.WindowStart(videoFrame) + Wav2LipMelSpectrogram.WindowFrames - 1) * Wav2LipMelSpectrogram.Hop + Wav2LipMelSpectrogram.FftSize / 2);
        if (end <= start)
        {
            return true;
        }

        return AudioLevel.Rms(samples.AsSpan(start, end - start)) / 32768.0 < _options.SilenceRms;
    }

    private VideoFrame BaseFrame(int index)
    {
        var frame = new VideoFrame(_avatar.Width, _avatar.Height);
        _avatar.CopyFrame(index, frame.Pixels);
        return frame;
    }

    public void Dispose() => _inference.Dispose();
}
