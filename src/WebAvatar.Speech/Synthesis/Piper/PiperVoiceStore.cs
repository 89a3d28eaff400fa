using System.Collections.Concurrent;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// The Piper voices in one folder (&lt;name&gt;.onnx + &lt;name&gt;.onnx.json), loaded on first use and kept.
/// Thread-safe. Disposing it disposes the loaded sessions.
/// </summary>
public sealed class PiperVoiceStore : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<PiperVoice>> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _intraOpThreads;

    public PiperVoiceStore(string directory, int intraOpThreads)
    {
        Directory = Path.GetFullPath(directory);
        _intraOpThreads = intraOpThreads;
    }

    public string Directory { get; }

    /// <summary>Names of the voices present (models with a config beside them).</summary>
    public IReadOnlyList<string> ListVoices() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, "*.onnx")
                .Where(path => File.Exists(path + ".json"))
                .Select(Path.GetFileNameWithoutExtension)
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

    /// <summary>The voice named <paramref name="name"/>; throws <see cref="VoiceNotFoundException"/> with close matches when absent.</summary>
    public PiperVoice Get(string name)
    {
        var available = ListVoices();
        string? match = available.FirstOrDefault(v => string.Equals(v, name, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            var close = VoiceNotFoundException.FindCloseMatches(name, available);
            throw new VoiceNotFoundException("Piper", name, close.Count > 0 ? close : available.Take(5).ToArray());
        }

        var lazy = _loaded.GetOrAdd(match, key => new Lazy<PiperVoice>(
            () => PiperVoice.Load(Path.Combine(Directory, key + ".onnx"), _intraOpThreads), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A broken file may be replaced later: do not cache the failure.
            _loaded.TryRemove(new KeyValuePair<string, Lazy<PiperVoice>>(match, lazy));
            throw;
        }
    }

    /// <summary>The first voice whose config language (en_US) or espeak voice (en-us) matches <paramref name="language"/>, or null.</summary>
    public PiperVoice? FindByLanguage(string language)
    {
        string wanted = language.Replace('_', '-').ToLowerInvariant();
        string primary = wanted.Split('-')[0];
        PiperVoice? fallback = null;
        foreach (var name in ListVoices())
        {
            var voice = Get(name);
            string code = (voice.Config.LanguageCode ?? voice.Config.EspeakVoice).Replace('_', '-').ToLowerInvariant();
            if (code == wanted || voice.Config.EspeakVoice.Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return voice;
            }

            if (fallback is null && code.Split('-')[0] == primary)
            {
                fallback = voice;
            }
        }

        return fallback;
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        _loaded.Clear();
    }
}
