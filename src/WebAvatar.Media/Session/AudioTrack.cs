using WebAvatar.Dsp;
using WebAvatar.Media.Codecs.Aac;
using WebAvatar.Media.Codecs.Opus;

namespace WebAvatar.Media.Session;

/// <summary>
/// The session's audio: 16 kHz pipeline PCM resampled once to 48 kHz, then Opus (20 ms packets for WebRTC)
/// and/or AAC-LC (1024-sample frames for RTMP), each only while subscribed. The 48 kHz stream is laid on
/// the media clock so that sample n plays at n / 48000 s: frame slot i covers samples [1920 i, 1920 (i+1)),
/// which puts the two Opus packets of slot i exactly at its pts and pts + 20 ms.
/// </summary>
internal sealed class AudioTrack(SessionEncoderSettings settings) : IDisposable
{
    private const int OutputRate = 48_000;
    private const int SamplesPerSlot = MediaTiming.SamplesPerVideoFrame * OutputRate / MediaTiming.PipelineSampleRate;
    private const int OpusFrameSamples = OutputRate / 1000 * MediaTiming.AudioFrameMs;

    // The resampler holds back half its filter; leading the stream with that much silence keeps each slot's
    // output whole (two Opus packets per video frame, no extra 20 ms wait) at the cost of ~1 ms audio delay.
    private static readonly int ResamplerHoldback = MeasureHoldback();

    private readonly short[] _slot = new short[SamplesPerSlot * 2];
    private readonly short[] _opusFifo = new short[SamplesPerSlot * 2];
    private readonly byte[] _opusPacket = new byte[OpusEncoder.MaxPacketBytes];
    private PcmResampler? _resampler;
    private long _nextIndex = long.MinValue;
    private int _pendingLead;
    private int _opusCount;
    private long _opusFifoStart;
    private OpusEncoder? _opus;
    private AacEncoder? _aac;

    public long OpusPacketsEncoded { get; private set; }

    public long AacFramesEncoded { get; private set; }

    public void Encode(AvFrame frame, bool wantOpus, bool wantAac, List<EncodedPacket> output)
    {
        if (!wantOpus && !wantAac)
        {
            _nextIndex = long.MinValue; // restart the timeline when audio is wanted again
            return;
        }

        long slotStart = frame.Index * SamplesPerSlot;
        if (frame.Index != _nextIndex)
        {
            Restart(slotStart);
        }

        _nextIndex = frame.Index + 1;
        var pcm = Resample(frame.Audio);

        if (wantOpus)
        {
            EncodeOpus(pcm, slotStart, output);
        }
        else
        {
            _opusCount = 0;
        }

        if (wantAac)
        {
            _aac ??= new AacEncoder(settings.AacBitrateKbps * 1000, slotStart);
            int before = output.Count;
            _aac.Write(pcm, output);
            AacFramesEncoded += output.Count - before;
        }
        else
        {
            _aac?.Dispose();
            _aac = null;
        }
    }

    public void Dispose()
    {
        _opus?.Dispose();
        _aac?.Dispose();
        _opus = null;
        _aac = null;
    }

    private void Restart(long slotStart)
    {
        _resampler = new PcmResampler(MediaTiming.PipelineSampleRate, OutputRate);
        _aac?.Dispose();
        _aac = null;
        _opusCount = 0;
        _opusFifoStart = slotStart;
        _pendingLead = ResamplerHoldback;
    }

    private ReadOnlySpan<short> Resample(ReadOnlySpan<short> input)
    {
        int lead = _pendingLead;
        _slot.AsSpan(0, lead).Clear();
        _pendingLead = 0;
        int produced = _resampler!.Process(input, _slot.AsSpan(lead));
        return _slot.AsSpan(0, lead + produced);
    }

    private void EncodeOpus(ReadOnlySpan<short> pcm, long slotStart, List<EncodedPacket> output)
    {
        _opus ??= new OpusEncoder(OutputRate, 1, settings.OpusBitrateKbps * 1000);
        if (_opusCount == 0)
        {
            _opusFifoStart = slotStart;
        }

        pcm.CopyTo(_opusFifo.AsSpan(_opusCount));
        _opusCount += pcm.Length;
        int offset = 0;
        while (_opusCount - offset >= OpusFrameSamples)
        {
            int bytes = _opus.Encode(_opusFifo.AsSpan(offset, OpusFrameSamples), _opusPacket);
            long pts = _opusFifoStart * 1_000_000L / OutputRate;
            output.Add(new EncodedPacket(MediaCodec.Opus, _opusPacket.AsSpan(0, bytes).ToArray(), pts, MediaTiming.AudioFrameMs * 1000L, true));
            OpusPacketsEncoded++;
            offset += OpusFrameSamples;
            _opusFifoStart += OpusFrameSamples;
        }

        _opusFifo.AsSpan(offset, _opusCount - offset).CopyTo(_opusFifo);
        _opusCount -= offset;
    }

    private static int MeasureHoldback()
    {
        var probe = new PcmResampler(MediaTiming.PipelineSampleRate, OutputRate);
        var output = new short[probe.MaxOutputFor(MediaTiming.SamplesPerVideoFrame)];
        int produced = probe.Process(new short[MediaTiming.SamplesPerVideoFrame], output);
        return SamplesPerSlot - produced;
    }
}
