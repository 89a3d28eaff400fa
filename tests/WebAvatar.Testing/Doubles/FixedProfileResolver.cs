using Microsoft.Extensions.AI;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Testing.Doubles;

/// <summary>Every request gets the same profile (flat renderer, en-us); an avatar id other than "flat" is refused like an unknown one.</summary>
public sealed class FixedProfileResolver : ISessionProfileResolver
{
    public string? Greeting { get; init; }

    public Task<SessionProfile> ResolveAsync(SessionSpec spec, CancellationToken cancellationToken) =>
        spec.AvatarId is null or "flat"
            ? Task.FromResult(new SessionProfile("flat.png", "flat", new TextToSpeechOptions { VoiceId = spec.VoiceId ?? "en-us" }, "flat", "Flat", spec.PersonaPrompt, Greeting))
            : throw new SessionRequestException($"There is no avatar '{spec.AvatarId}'.");
}
