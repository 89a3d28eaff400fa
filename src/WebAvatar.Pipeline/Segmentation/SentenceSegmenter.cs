using System.Text;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Pipeline.Segmentation;

/// <summary>
/// Cuts a streamed LLM reply into speakable segments as the text arrives, so TTS can start on the
/// first clause instead of waiting for the whole answer. Cuts at the clause ends of <see cref="SentenceSplitter"/>
/// (the same rules TTS splits sentences by) once at least <see cref="MinChars"/> characters are pending; overlong runs
/// without punctuation are cut at a space. Not thread-safe.
/// </summary>
public sealed class SentenceSegmenter
{
    private readonly StringBuilder _pending = new();

    public SentenceSegmenter(int minChars = 10, int maxChars = 220)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minChars, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, minChars * 2);
        MinChars = minChars;
        MaxChars = maxChars;
    }

    public int MinChars { get; }

    public int MaxChars { get; }

    /// <summary>Adds streamed text and returns the segments that became complete (possibly none).</summary>
    public IReadOnlyList<string> Push(string delta)
    {
        if (string.IsNullOrEmpty(delta))
        {
            return [];
        }

        _pending.Append(delta);
        var segments = new List<string>();
        while (TryCut(out var segment))
        {
            segments.Add(segment);
        }

        return segments;
    }

    /// <summary>Returns whatever is left at the end of the stream (null when nothing speakable remains).</summary>
    public string? Flush()
    {
        var rest = Normalize(_pending.ToString());
        _pending.Clear();
        return HasSpeakableContent(rest) ? rest : null;
    }

    /// <summary>Splits a complete text at once (for typed "say this" lines).</summary>
    public static IReadOnlyList<string> SplitAll(string text, int minChars = 10, int maxChars = 220)
    {
        var segmenter = new SentenceSegmenter(minChars, maxChars);
        var all = new List<string>(segmenter.Push(text));
        if (segmenter.Flush() is { } last)
        {
            all.Add(last);
        }

        return all;
    }

    private bool TryCut(out string segment)
    {
        segment = string.Empty;
        int cut = FindCut();
        if (cut < 0)
        {
            return false;
        }

        var text = Normalize(_pending.ToString(0, cut));
        _pending.Remove(0, cut);
        if (!HasSpeakableContent(text))
        {
            // Punctuation alone ("..." or "，"): keep going, nothing to say yet.
            return _pending.Length > 0 && TryCut(out segment);
        }

        segment = text;
        return true;
    }

    /// <summary>Returns the length of the prefix to emit, or -1 when no cut is possible yet.</summary>
    private int FindCut()
    {
        var pending = _pending.ToString();
        for (int end = 0; (end = SentenceSplitter.FindPieceEnd(pending, end, clauses: true, textIsComplete: false)) > 0;)
        {
            if (CountSpeakable(end) >= MinChars)
            {
                return end;
            }
        }

        int length = pending.Length;
        if (length > MaxChars)
        {
            // No punctuation for a long stretch: cut at the last space so speech does not stall.
            for (int i = MaxChars; i > MinChars; i--)
            {
                if (char.IsWhiteSpace(_pending[i]))
                {
                    return i + 1;
                }
            }

            return MaxChars;
        }

        return -1;
    }

    private int CountSpeakable(int end)
    {
        int n = 0;
        for (int i = 0; i < end; i++)
        {
            if (!char.IsWhiteSpace(_pending[i]))
            {
                n++;
            }
        }

        return n;
    }

    private static bool HasSpeakableContent(string text)
    {
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
