using WebAvatar.Media;

namespace WebAvatar.Speech.Vad;

/// <summary>
/// Streaming endpointer over 16 kHz mono audio of any chunk size. Windows are classified by an
/// <see cref="IVoiceProbabilityStream"/>; a start needs <see cref="VadOptions.MinSpeechMs"/> of audio above
/// <see cref="VadOptions.NegativeThreshold"/> after a window above <see cref="VadOptions.Threshold"/>, and an end needs
/// <see cref="VadOptions.MinSilenceMs"/> below the negative threshold (hysteresis, so breathing pauses inside words
/// do not split them). Reported positions are widened by <see cref="VadOptions.SpeechPadMs"/>. With
/// <see cref="ReportTentativeEvents"/> it also reports the undecided moments in between (a candidate onset, its
/// rejection, the first silent window after speech, speech resuming), so callers can react before the endpoint is sure.
/// Not thread-safe: one detector per audio stream. Calls block for inference.
/// </summary>
public sealed class VoiceActivityDetector : IDisposable
{
    private readonly IVoiceProbabilityStream _stream;
    private readonly float _threshold;
    private readonly float _negativeThreshold;
    private readonly int _minSpeechSamples;
    private readonly int _minSilenceSamples;
    private readonly int _padSamples;
    private readonly float[] _window;
    private int _windowFill;
    private long _windowStart;
    private State _state;
    private long _candidateStart;
    private long _silenceStart = -1;

    public VoiceActivityDetector(IVoiceProbabilityStream stream, VadOptions options, string engineName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NegativeThreshold >= options.Threshold)
        {
            throw new ArgumentException($"Vad:NegativeThreshold ({options.NegativeThreshold}) must be below Vad:Threshold ({options.Threshold}).", nameof(options));
        }

        _stream = stream;
        EngineName = engineName;
        _threshold = options.Threshold;
        _negativeThreshold = options.NegativeThreshold;
        _minSpeechSamples = MsToSamples(options.MinSpeechMs);
        _minSilenceSamples = MsToSamples(options.MinSilenceMs);
        _padSamples = MsToSamples(options.SpeechPadMs);
        _window = new float[stream.WindowSamples];
    }

    private enum State
    {
        Silent,
        Candidate,
        Speaking,
    }

    /// <summary>The classifier in use ("silero-v5" or "energy").</summary>
    public string EngineName { get; }

    /// <summary>True between a SpeechStart and the following SpeechEnd.</summary>
    public bool IsSpeaking => _state == State.Speaking;

    /// <summary>
    /// Also report <see cref="VoiceActivityKind.SpeechCandidate"/>, <see cref="VoiceActivityKind.CandidateRejected"/>,
    /// <see cref="VoiceActivityKind.TentativeEnd"/> and <see cref="VoiceActivityKind.SpeechResumed"/>; off by default, when
    /// only confirmed endpoints are reported.
    /// </summary>
    public bool ReportTentativeEvents { get; set; }

    /// <summary>Speech probability of the last classified window.</summary>
    public float LastProbability { get; private set; }

    /// <summary>Samples fed since creation or <see cref="Reset"/>; event positions use this count.</summary>
    public long SamplesProcessed => _windowStart + _windowFill;

    /// <summary>Feeds 16-bit PCM; appends any endpoints found to <paramref name="events"/>. The span is only read.</summary>
    public void Process(ReadOnlySpan<short> samples, ICollection<VoiceActivityEvent> events)
    {
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _window.Length - _windowFill);
            for (var i = 0; i < take; i++)
            {
                _window[_windowFill + i] = samples[i] / 32768f;
            }

            _windowFill += take;
            samples = samples[take..];
            ClassifyIfFull(events);
        }
    }

    /// <summary>Feeds float PCM in [-1, 1]; appends any endpoints found to <paramref name="events"/>. The span is only read.</summary>
    public void Process(ReadOnlySpan<float> samples, ICollection<VoiceActivityEvent> events)
    {
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _window.Length - _windowFill);
            samples[..take].CopyTo(_window.AsSpan(_windowFill));
            _windowFill += take;
            samples = samples[take..];
            ClassifyIfFull(events);
        }
    }

    /// <summary>Ends an utterance in progress now (e.g. at the 30 s cap) without waiting for silence.</summary>
    public void ForceEnd(ICollection<VoiceActivityEvent> events)
    {
        if (_state == State.Speaking)
        {
            events.Add(new VoiceActivityEvent(VoiceActivityKind.SpeechEnd, SamplesProcessed));
        }
        else if (_state == State.Candidate)
        {
            Tentative(events, VoiceActivityKind.CandidateRejected, SamplesProcessed);
        }

        _state = State.Silent;
        _silenceStart = -1;
    }

    public void Reset()
    {
        _stream.Reset();
        _windowFill = 0;
        _windowStart = 0;
        _state = State.Silent;
        _silenceStart = -1;
        LastProbability = 0;
    }

    public void Dispose() => _stream.Dispose();

    private static int MsToSamples(int ms) => ms * MediaTiming.PipelineSampleRate / 1000;

    private void ClassifyIfFull(ICollection<VoiceActivityEvent> events)
    {
        if (_windowFill < _window.Length)
        {
            return;
        }

        var p = _stream.Process(_window);
        LastProbability = p;
        var start = _windowStart;
        var end = start + _window.Length;
        _windowStart = end;
        _windowFill = 0;

        switch (_state)
        {
            case State.Silent when p >= _threshold:
                _candidateStart = start;
                _state = State.Candidate;
                Tentative(events, VoiceActivityKind.SpeechCandidate, start);
                ConfirmIfLongEnough(end, events);
                break;
            case State.Candidate when p < _negativeThreshold:
                _state = State.Silent;
                Tentative(events, VoiceActivityKind.CandidateRejected, end);
                break;
            case State.Candidate:
                ConfirmIfLongEnough(end, events);
                break;
            case State.Speaking when p >= _threshold:
                if (_silenceStart >= 0)
                {
                    _silenceStart = -1;
                    Tentative(events, VoiceActivityKind.SpeechResumed, end);
                }

                break;
            case State.Speaking when p < _negativeThreshold:
                if (_silenceStart < 0)
                {
                    _silenceStart = start;
                    if (end - _silenceStart < _minSilenceSamples)
                    {
                        Tentative(events, VoiceActivityKind.TentativeEnd, _silenceStart + _padSamples);
                    }
                }

                if (end - _silenceStart >= _minSilenceSamples)
                {
                    events.Add(new VoiceActivityEvent(VoiceActivityKind.SpeechEnd, _silenceStart + _padSamples));
                    _state = State.Silent;
                    _silenceStart = -1;
                }

                break;
        }
    }

    private void Tentative(ICollection<VoiceActivityEvent> events, VoiceActivityKind kind, long position)
    {
        if (ReportTentativeEvents)
        {
            events.Add(new VoiceActivityEvent(kind, position));
        }
    }

    private void ConfirmIfLongEnough(long end, ICollection<VoiceActivityEvent> events)
    {
        if (end - _candidateStart >= _minSpeechSamples)
        {
            events.Add(new VoiceActivityEvent(VoiceActivityKind.SpeechStart, Math.Max(0, _candidateStart - _padSamples)));
            _state = State.Speaking;
            _silenceStart = -1;
        }
    }
}
