namespace WebAvatar.Speech.Synthesis;

/// <summary>The requested voice or language is not installed for the engine; the message lists close matches.</summary>
public sealed class VoiceNotFoundException : ArgumentException
{
    public VoiceNotFoundException(string engine, string requested, IReadOnlyList<string> closeMatches)
        : base(BuildMessage(engine, requested, closeMatches))
    {
        Engine = engine;
        Requested = requested;
        CloseMatches = closeMatches;
    }

    public string Engine { get; }

    public string Requested { get; }

    public IReadOnlyList<string> CloseMatches { get; }

    private static string BuildMessage(string engine, string requested, IReadOnlyList<string> closeMatches) =>
        closeMatches.Count == 0
            ? $"Voice '{requested}' is not available in {engine}; no similar voice is installed."
            : $"Voice '{requested}' is not available in {engine}. Close matches: {string.Join(", ", closeMatches)}.";

    /// <summary>Up to <paramref name="count"/> candidates that share a prefix with, or are a small edit away from, <paramref name="requested"/>.</summary>
    public static IReadOnlyList<string> FindCloseMatches(string requested, IEnumerable<string> candidates, int count = 5)
    {
        string wanted = requested.Trim().ToLowerInvariant();
        string primary = wanted.Split('-', '_')[0];
        return candidates
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(candidate => (candidate, score: Score(wanted, primary, candidate.ToLowerInvariant())))
            .Where(x => x.score <= 2)
            .OrderBy(x => x.score)
            .ThenBy(x => x.candidate, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.candidate)
            .ToArray();
    }

    private static int Score(string wanted, string primary, string candidate)
    {
        if (candidate.StartsWith(wanted, StringComparison.Ordinal) || wanted.StartsWith(candidate, StringComparison.Ordinal)
            || (primary.Length >= 2 && candidate.StartsWith(primary, StringComparison.Ordinal)))
        {
            return 0;
        }

        return Levenshtein(wanted, candidate);
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
