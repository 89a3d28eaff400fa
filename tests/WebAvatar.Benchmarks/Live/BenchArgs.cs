using System.Globalization;

namespace WebAvatar.Benchmarks.Live;

/// <summary>`--name value` options of a bench command; unknown names are refused so a typo does not silently run the default.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public BenchArgs(string[] args, params string[] known)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !known.Contains(name, StringComparer.OrdinalIgnoreCase) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'; options: {string.Join(" ", known.Select(k => $"--{k} N"))}");
            }

            _values[name] = args[++i];
        }
    }

    public double Number(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"--{name} must be a positive number, got '{text}'");
        }

        return value;
    }

    public int Integer(string name, int fallback) => (int)Math.Round(Number(name, fallback));

    /// <summary>An on/off option.</summary>
    public bool Switch(string name, bool fallback) =>
        !_values.TryGetValue(name, out var text) ? fallback : text.ToLowerInvariant() switch
        {
            "on" or "true" or "1" => true,
            "off" or "false" or "0" => false,
            _ => throw new ArgumentException($"--{name} must be on or off, got '{text}'"),
        };
}
