using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebAvatar.Sessions;

/// <summary>
/// The one JSON shape of the session messages on the wire (API, event streams): camelCase members, enums as
/// kebab-case words ("say-exactly", "listening", "first-audio-out"); member names are case-insensitive on input, enum words and
/// discriminators are exact, and enums are never numbers.
/// </summary>
public static class SessionJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
