using System.Diagnostics;
using System.Globalization;

namespace WebAvatar.Testing;

/// <summary>
/// WAV files for Chromium's fake microphone (which loops them), made with espeak-ng and sox.
/// The caller owns the returned temp file and deletes it.
/// </summary>
public static class MicWav
{
    /// <summary>A quiet 440 Hz tone: a live microphone the VAD does not take for speech (speech would barge in).</summary>
    public static string Tone(int seconds = 10)
    {
        var path = TempWav("tone");
        Run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", path, "synth", seconds.ToString(CultureInfo.InvariantCulture), "sine", "440", "vol", "0.2");
        return path;
    }

    /// <summary>espeak-ng speech of <paramref name="text"/> (16-bit mono, 22.05 kHz).</summary>
    public static string Speech(string text)
    {
        var path = TempWav("mic");
        Run("espeak-ng", "-v", "en-us", "-w", path, text);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException("espeak-ng did not write " + path);
        }

        return path;
    }

    /// <summary>Silence, then speech, then 2x that silence (the pause keeps Chromium's loop out of a test window).</summary>
    public static string DelayedSpeech(double silenceSeconds, string text) =>
        Sequence(silenceSeconds, [text], silenceSeconds * 2);

    /// <summary>
    /// <paramref name="leadSeconds"/> of silence, then each utterance followed by <paramref name="gapSeconds"/> of silence.
    /// </summary>
    public static string Sequence(double leadSeconds, IReadOnlyList<string> utterances, double gapSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leadSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gapSeconds);
        if (utterances.Count == 0)
        {
            throw new ArgumentException("At least one utterance is needed.", nameof(utterances));
        }

        var parts = new List<string>();
        try
        {
            var lead = leadSeconds > 0 ? Silence(leadSeconds) : null;
            var gap = Silence(gapSeconds);
            if (lead is not null)
            {
                parts.Add(lead);
            }

            parts.Add(gap);
            var sequence = new List<string>();
            if (lead is not null)
            {
                sequence.Add(lead);
            }

            foreach (var text in utterances)
            {
                var speech = Speech(text);
                parts.Add(speech);
                sequence.Add(speech);
                sequence.Add(gap);
            }

            var path = TempWav("seq");
            Run("sox", [.. sequence, path]);
            return path;
        }
        finally
        {
            foreach (var part in parts.Distinct())
            {
                File.Delete(part);
            }
        }
    }

    /// <summary>
    /// <paramref name="leadSeconds"/> of silence, then each phrase followed by its own pause (a short pause inside a
    /// sentence, a long one after it): for turn-taking tests.
    /// </summary>
    public static string Phrases(double leadSeconds, params (string Text, double PauseSeconds)[] phrases)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leadSeconds);
        var parts = new List<string>();
        try
        {
            parts.Add(Silence(leadSeconds));
            foreach (var (text, pause) in phrases)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pause);
                parts.Add(Speech(text));
                parts.Add(Silence(pause));
            }

            var path = TempWav("phrases");
            Run("sox", [.. parts, path]);
            return path;
        }
        finally
        {
            parts.ForEach(File.Delete);
        }
    }

    /// <summary>Seconds of audio in a WAV (sox --info -D).</summary>
    public static double DurationSeconds(string path)
    {
        var output = Run("soxi", "-D", path);
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    private static string Silence(double seconds)
    {
        var path = TempWav("pad");
        Run("sox", "-n", "-r", "22050", "-c", "1", "-b", "16", path, "trim", "0", seconds.ToString("F3", CultureInfo.InvariantCulture));
        return path;
    }

    private static string TempWav(string kind) => Path.Combine(Path.GetTempPath(), $"webavatar-{kind}-{Guid.NewGuid():N}.wav");

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 60 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {stderr.Result} (is the Debian package installed? scripts/setup.sh installs espeak-ng and sox)");
        }

        return stdout.Result;
    }
}
