using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebAvatar.Sessions;

/// <summary>
/// The one JSON shape of the session messages on the wire (API, event streams): camelCase members, enums as
/// kebab-case words ("say-exactly", "listening", "first-audio-out"), case-insensitive on input.
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
