using System.Text.Json;
using WebAvatar.Conversation;
using WebAvatar.Sessions;

namespace WebAvatar.Abstractions.Tests.Sessions;

/// <summary>
/// The session's control surface travels as plain JSON (API bodies, SSE, later between machines): every command and event
/// round-trips through <see cref="SessionJson"/> to an equal message, with its discriminator and kebab-case enum words.
/// </summary>
public class SessionMessageJsonTests
{
    public static TheoryData<SessionCommand, string> Commands => new()
    {
        { new SpeakCommand("Hello there.", SpeakMode.AskLlm, InterruptCurrent: false), """{"type":"speak","text":"Hello there.","mode":"ask-llm","interruptCurrent":false}""" },
        { new SpeakCommand("Exactly this."), """{"type":"speak","text":"Exactly this.","mode":"say-exactly","interruptCurrent":true}""" },
        { new InterruptCommand(), """{"type":"interrupt"}""" },
        { new ClearHistoryCommand(), """{"type":"clear-history"}""" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Commands_have_one_exact_wire_shape_and_round_trip(SessionCommand command, string json)
    {
        Assert.Equal(json, JsonSerializer.Serialize(command, SessionJson.Options));
        Assert.Equal(command, JsonSerializer.Deserialize<SessionCommand>(json, SessionJson.Options));
    }

    [Fact]
    public void Every_event_type_round_trips_with_its_discriminator()
    {
        var at = new DateTimeOffset(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);
        SessionEvent[] events =
        [
            new SessionStateChanged(ConversationState.Speaking) { SessionId = "s", Sequence = 1, At = at },
            new TranscriptUpdated("s-r1", TranscriptRole.Avatar, "Hi!", true) { SessionId = "s", Sequence = 2, At = at },
            new StageMeasured("s-r1", Stage.FirstAudioOut, 212.5) { SessionId = "s", Sequence = 3, At = at },
            new BargeInDetected(95) { SessionId = "s", Sequence = 4, At = at },
            new SessionError("The LLM is unreachable.") { SessionId = "s", Sequence = 5, At = at },
            new SessionEnded("deleted") { SessionId = "s", Sequence = 6, At = at },
        ];
        string[] discriminators = ["state", "transcript", "stage", "barge-in", "error", "ended"];
        for (int i = 0; i < events.Length; i++)
        {
            var json = JsonSerializer.Serialize(events[i], SessionJson.Options);
            Assert.StartsWith($$"""{"type":"{{discriminators[i]}}",""", json, StringComparison.Ordinal);
            Assert.Equal(events[i], JsonSerializer.Deserialize<SessionEvent>(json, SessionJson.Options));
        }

        Assert.Contains("\"state\":\"speaking\"", JsonSerializer.Serialize(events[0], SessionJson.Options), StringComparison.Ordinal);
        Assert.Contains("\"stage\":\"first-audio-out\"", JsonSerializer.Serialize(events[2], SessionJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_round_trips_and_enums_are_read_as_their_words_never_as_numbers()
    {
        var spec = new SessionSpec(SessionKind.Broadcast, SessionMode.Echo, "abc", "de", "Be brief.", "key:1", [new MirrorTarget("rtmp://h/live/k", "7")]);
        var json = JsonSerializer.Serialize(spec, SessionJson.Options);
        Assert.Contains("\"kind\":\"broadcast\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<SessionSpec>(json, SessionJson.Options)!;
        Assert.Equal(spec with { StreamTargets = null }, back with { StreamTargets = null });
        Assert.Equal(spec.StreamTargets, back.StreamTargets);

        Assert.Equal(SpeakMode.AskLlm, JsonSerializer.Deserialize<SpeakCommand>("""{"Text":"x","MODE":"ask-llm"}""", SessionJson.Options)!.Mode);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SpeakCommand>("""{"text":"x","mode":1}""", SessionJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SpeakCommand>("""{"text":"x","mode":"shout"}""", SessionJson.Options));
    }
}
