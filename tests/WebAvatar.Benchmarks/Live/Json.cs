using System.Text.Json;

namespace WebAvatar.Benchmarks.Live;

/// <summary>Reading optional numbers out of browser stats / server metrics JSON.</summary>
internal static class Json
{
    public static double Number(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return double.NaN;
            }
        }

        return current.ValueKind == JsonValueKind.Number ? current.GetDouble() : double.NaN;
    }
}
