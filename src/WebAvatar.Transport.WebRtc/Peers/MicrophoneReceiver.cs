using WebAvatar.Media;
using WebAvatar.Dsp;
using WebAvatar.Media.Codecs.Opus;
using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// Browser microphone: Opus RTP payloads -> libopus at 48 kHz -> 16 kHz -> the session's <see cref="IAudioInputSink"/>.
/// Conceals short gaps with Opus PLC so the VAD sees continuous audio. Called only from the UDP receive thread.
/// </summary>
internal sealed class MicrophoneReceiver : IDisposable
{
    private const int MaxConcealedFrames = 5;
    private const int FrameSamples48k = 960;
    private readonly IAudioInputSink _sink;
    private readonly int _payloadType;
    private readonly OpusDecoder _decoder = new(48_000, 1);
    private readonly PcmResampler _resampler = new(48_000, MediaTiming.PipelineSampleRate);
    private readonly short[] _pcm48;
    private readonly short[] _pcm16;
    private int _lastSequence = -1;

    public MicrophoneReceiver(IAudioInputSink sink, int payloadType)
    {
        _sink = sink;
        _payloadType = payloadType;
        _pcm48 = new short[_decoder.MaxFrameSamples];
        _pcm16 = new short[_resampler.MaxOutputFor(_decoder.MaxFrameSamples)];
    }

    public int PayloadType => _payloadType;

    public long Packets { get; private set; }

    public long SamplesDelivered { get; private set; }

    public long DecodeErrors { get; private set; }

    /// <summary>Handles one decrypted RTP packet of the audio section.</summary>
    public void Receive(ReadOnlySpan<byte> rtp, int headerLength)
    {
        if (RtpHeader.ReadPayloadType(rtp) != _payloadType)
        {
            return;
        }

        int paddingLength = (rtp[0] & 0x20) != 0 ? rtp[^1] : 0;
        if (headerLength + paddingLength > rtp.Length)
        {
            DecodeErrors++;
            return;
        }

        Packets++;
        ushort sequence = RtpHeader.ReadSequence(rtp);
        if (_lastSequence >= 0)
        {
            int gap = (ushort)(sequence - _lastSequence) - 1;
            if (gap < 0 || gap > 0x8000)
            {
                return; // reordered or duplicate: already played past it
            }

            for (int i = 0; i < Math.Min(gap, MaxConcealedFrames); i++)
            {
                Decode(ReadOnlySpan<byte>.Empty);
            }
        }

        _lastSequence = sequence;
        Decode(rtp[headerLength..^paddingLength]);
    }

    public void Dispose() => _decoder.Dispose();

    private void Decode(ReadOnlySpan<byte> payload)
    {
        int samples;
        try
        {
            samples = _decoder.Decode(payload, _pcm48, FrameSamples48k);
        }
        catch (OpusException)
        {
            DecodeErrors++;
            return;
        }

        int produced = _resampler.Process(_pcm48.AsSpan(0, samples), _pcm16);
        if (produced > 0)
        {
            _sink.Write(_pcm16.AsSpan(0, produced));
            SamplesDelivered += produced;
        }
    }
}
