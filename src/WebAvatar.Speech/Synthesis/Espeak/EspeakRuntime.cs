using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>
/// The one espeak-ng instance of the process. libespeak-ng keeps global state and is not thread-safe,
/// so every native call runs on one dedicated worker thread; callers queue work and await it, which makes
/// concurrent sessions safe (their sentences interleave, one at a time). Synthesis calls block only the worker.
/// </summary>
internal sealed unsafe class EspeakRuntime
{
    private const int CallbackBufferMs = 100;

    private static readonly Lazy<EspeakRuntime> SharedInstance = new(() => new EspeakRuntime(), LazyThreadSafetyMode.ExecutionAndPublication);

    // Touched only on the worker thread: the job the native callback fills.
    private static SynthesisJob? _activeJob;

    private readonly BlockingCollection<Action> _queue = new();
    private string? _loadedVoice;
    private EspeakProsody? _appliedProsody;

    private EspeakRuntime()
    {
        var ready = new TaskCompletionSource<(int, IReadOnlyList<EspeakVoiceInfo>)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = new Thread(() => WorkerLoop(ready)) { IsBackground = true, Name = "espeak-ng worker" };
        worker.Start();
        (NativeSampleRate, Voices) = ready.Task.GetAwaiter().GetResult();
    }

    /// <summary>The process-wide runtime; initialises espeak-ng on first use (throws if the library or its data is missing).</summary>
    public static EspeakRuntime Shared => SharedInstance.Value;

    /// <summary>espeak-ng's output rate (22050 Hz with the standard data).</summary>
    public int NativeSampleRate { get; }

    /// <summary>Installed voices (mbrola voices excluded: Debian does not ship mbrola).</summary>
    public IReadOnlyList<EspeakVoiceInfo> Voices { get; }

    /// <summary>Synthesises one piece of text (best: one sentence). Cancellation aborts the native synthesis promptly.</summary>
    public Task<EspeakSynthesisResult> SynthesizeAsync(EspeakVoiceInfo voice, EspeakProsody prosody, string text, CancellationToken cancellationToken) =>
        RunAsync(() => Synthesize(voice, prosody, text, cancellationToken), cancellationToken);

    /// <summary>
    /// IPA phonemes for each clause (espeak_TextToPhonemes; punctuation is not included in the result).
    /// Words are separated by spaces, stress marks included.
    /// </summary>
    public Task<string[]> PhonemizeAsync(EspeakVoiceInfo voice, IReadOnlyList<string> clauses, CancellationToken cancellationToken) =>
        RunAsync(() => clauses.Select(clause => Phonemize(voice, clause, cancellationToken)).ToArray(), cancellationToken);

    /// <summary>
    /// Queues work for the worker thread (FIFO: the engine is shared one job, i.e. one sentence, at a time).
    /// Internal rather than private so tests can hold the engine deterministically.
    /// </summary>
    internal Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Release the caller at once on cancellation (barge-in), even while another session's sentence holds the worker;
        // the queued work then skips itself, or a running synthesis aborts at its next audio callback.
        var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        _queue.Add(() =>
        {
            try
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    completion.TrySetResult(work());
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
            finally
            {
                registration.Dispose();
            }
        });
        return completion.Task;
    }

    private void WorkerLoop(TaskCompletionSource<(int, IReadOnlyList<EspeakVoiceInfo>)> ready)
    {
        try
        {
            int rate = EspeakNative.Initialize(
                EspeakNative.AudioOutputSynchronous,
                CallbackBufferMs,
                null,
                EspeakNative.InitializePhonemeEvents | EspeakNative.InitializePhonemeIpa | EspeakNative.InitializeDontExit);
            if (rate <= 0)
            {
                throw new InvalidOperationException(
                    $"espeak-ng failed to initialise (code {rate}): its data files were not found. Install the Debian packages espeak-ng and libespeak-ng1 (scripts/setup.sh).");
            }

            EspeakNative.SetSynthCallback(&OnSynthesized);
            ready.SetResult((rate, ReadVoices()));
        }
        catch (DllNotFoundException ex)
        {
            ready.SetException(new InvalidOperationException(
                $"{EspeakNative.Library} could not be loaded: install the Debian package libespeak-ng1 (scripts/setup.sh). {ex.Message}", ex));
            return;
        }
        catch (Exception ex)
        {
            ready.SetException(ex);
            return;
        }

        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }

    private EspeakSynthesisResult Synthesize(EspeakVoiceInfo voice, EspeakProsody prosody, string text, CancellationToken cancellationToken)
    {
        LoadVoice(voice);
        ApplyProsody(prosody);
        var job = new SynthesisJob(cancellationToken);
        byte[] utf8 = ToNulTerminatedUtf8(text);
        _activeJob = job;
        try
        {
            fixed (byte* textPointer = utf8)
            {
                int status = EspeakNative.Synth(textPointer, (nuint)utf8.Length, 0, EspeakNative.PositionCharacter, 0, EspeakNative.CharsUtf8, null, null);
                cancellationToken.ThrowIfCancellationRequested();
                if (status != EspeakNative.ErrorOk)
                {
                    throw new InvalidOperationException($"espeak_Synth failed with code {status} for voice '{voice.Identifier}'.");
                }
            }

            if (job.Failure is not null)
            {
                throw new InvalidOperationException("espeak-ng's audio callback failed.", job.Failure);
            }

            return new EspeakSynthesisResult(job.TakeSamples(), NativeSampleRate, job.Phonemes);
        }
        finally
        {
            _activeJob = null;
            job.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                DiscardReadAhead();
            }
        }
    }

    /// <summary>
    /// An aborted espeak_Synth keeps the word it had read ahead and hands it to the next text it translates ("Hi." after a
    /// cancelled "... is a clause" phonemised as "ɐ hˈaɪ"): one throw-away clause takes it.
    /// </summary>
    private static void DiscardReadAhead()
    {
        byte* text = stackalloc byte[] { (byte)'.', 0 };
        byte* cursor = text;
        while (cursor is not null && *cursor != 0)
        {
            EspeakNative.TextToPhonemes(&cursor, EspeakNative.CharsAuto, EspeakNative.PhonemeModeIpa);
        }
    }

    private string Phonemize(EspeakVoiceInfo voice, string clause, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LoadVoice(voice);
        byte[] utf8 = ToNulTerminatedUtf8(clause);
        var phonemes = new StringBuilder();
        fixed (byte* start = utf8)
        {
            // espeak_TextToPhonemes consumes one clause per call and advances the pointer (NULL at the end).
            byte* cursor = start;
            while (cursor is not null && *cursor != 0)
            {
                byte* ipa = EspeakNative.TextToPhonemes(&cursor, EspeakNative.CharsAuto, EspeakNative.PhonemeModeIpa);
                string? part = Marshal.PtrToStringUTF8((nint)ipa);
                if (!string.IsNullOrWhiteSpace(part))
                {
                    if (phonemes.Length > 0)
                    {
                        phonemes.Append(' ');
                    }

                    phonemes.Append(part.Trim());
                }
            }
        }

        return phonemes.ToString();
    }

    private void LoadVoice(EspeakVoiceInfo voice)
    {
        if (_loadedVoice == voice.Identifier)
        {
            return;
        }

        byte[] name = ToNulTerminatedUtf8(voice.Identifier);
        fixed (byte* namePointer = name)
        {
            int status = EspeakNative.SetVoiceByName(namePointer);
            if (status != EspeakNative.ErrorOk)
            {
                throw new InvalidOperationException($"espeak-ng could not load voice '{voice.Identifier}' (code {status}); its data file may be damaged.");
            }
        }

        _loadedVoice = voice.Identifier;

        // Loading a voice resets rate/pitch/volume.
        _appliedProsody = null;
    }

    private void ApplyProsody(EspeakProsody prosody)
    {
        if (_appliedProsody == prosody)
        {
            return;
        }

        EspeakNative.SetParameter(EspeakNative.ParameterRate, prosody.RateWordsPerMinute, 0);
        EspeakNative.SetParameter(EspeakNative.ParameterPitch, prosody.Pitch, 0);
        EspeakNative.SetParameter(EspeakNative.ParameterVolume, prosody.Volume, 0);
        _appliedProsody = prosody;
    }

    private static IReadOnlyList<EspeakVoiceInfo> ReadVoices()
    {
        var voices = new List<EspeakVoiceInfo>();
        EspeakNative.Voice** list = EspeakNative.ListVoices(null);
        for (int i = 0; list is not null && list[i] is not null; i++)
        {
            EspeakNative.Voice* voice = list[i];
            string identifier = Marshal.PtrToStringUTF8((nint)voice->Identifier) ?? string.Empty;
            if (identifier.Length == 0 || identifier.StartsWith("mb/", StringComparison.Ordinal))
            {
                continue;
            }

            var languages = new List<string>();
            for (byte* p = voice->Languages; p is not null && *p != 0;)
            {
                p++; // priority byte
                string language = Marshal.PtrToStringUTF8((nint)p) ?? string.Empty;
                languages.Add(language);
                p += Encoding.UTF8.GetByteCount(language) + 1;
            }

            voices.Add(new EspeakVoiceInfo(identifier, Marshal.PtrToStringUTF8((nint)voice->Name) ?? identifier, languages));
        }

        return voices;
    }

    private static byte[] ToNulTerminatedUtf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int OnSynthesized(short* wav, int sampleCount, EspeakNative.Event* events)
    {
        // A static UnmanagedCallersOnly method needs no delegate to keep alive. Exceptions must not cross into C.
        var job = _activeJob;
        if (job is null)
        {
            return 1;
        }

        try
        {
            if (wav is not null && sampleCount > 0)
            {
                job.Append(new ReadOnlySpan<short>(wav, sampleCount));
            }

            for (var e = events; e is not null && e->Type != EspeakNative.EventListTerminated; e++)
            {
                if (e->Type == EspeakNative.EventPhoneme)
                {
                    int length = 0;
                    while (length < 8 && e->Id[length] != 0)
                    {
                        length++;
                    }

                    job.Phonemes.Add((e->AudioPosition, Encoding.UTF8.GetString(e->Id, length)));
                }
            }
        }
        catch (Exception ex)
        {
            job.Failure = ex;
            return 1;
        }

        // Returning 1 makes espeak-ng abort the synthesis.
        return job.CancellationToken.IsCancellationRequested ? 1 : 0;
    }

    /// <summary>Collects one espeak_Synth call's audio in a pooled, growing buffer.</summary>
    private sealed class SynthesisJob(CancellationToken cancellationToken) : IDisposable
    {
        private short[] _buffer = ArrayPool<short>.Shared.Rent(16_384);
        private int _count;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public List<(int Milliseconds, string Ipa)> Phonemes { get; } = [];

        public Exception? Failure { get; set; }

        public void Append(ReadOnlySpan<short> samples)
        {
            if (_count + samples.Length > _buffer.Length)
            {
                var bigger = ArrayPool<short>.Shared.Rent(Math.Max(_buffer.Length * 2, _count + samples.Length));
                _buffer.AsSpan(0, _count).CopyTo(bigger);
                ArrayPool<short>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            samples.CopyTo(_buffer.AsSpan(_count));
            _count += samples.Length;
        }

        public short[] TakeSamples() => _buffer.AsSpan(0, _count).ToArray();

        public void Dispose() => ArrayPool<short>.Shared.Return(_buffer);
    }
}
