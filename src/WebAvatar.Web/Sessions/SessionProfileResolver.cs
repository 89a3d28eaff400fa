using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.LipSync;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Speech.Synthesis;
using WebAvatar.Web.Admin.Avatars;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// Resolves a session request against the dashboard: the named avatar (ready, and public when a chat page asks for it)
/// or the default one, with its voice and persona; without any dashboard avatar, the configured avatar file and voice.
/// </summary>
internal sealed class SessionProfileResolver(
    IDbContextFactory<WebAvatarDbContext> db,
    AvatarFiles files,
    IOptions<AvatarOptions> avatarOptions,
    IOptions<TtsOptions> ttsOptions) : ISessionProfileResolver
{
    public async Task<SessionProfile> ResolveAsync(SessionSpec spec, CancellationToken cancellationToken)
    {
        var record = await FindAsync(spec, cancellationToken);
        var profile = record is null ? Configured() : FromRecord(record);
        if (!string.IsNullOrWhiteSpace(spec.VoiceId))
        {
            var voice = profile.Voice.Clone();
            voice.VoiceId = spec.VoiceId.Trim();
            profile = profile with { Voice = voice };
        }

        return string.IsNullOrWhiteSpace(spec.PersonaPrompt) ? profile : profile with { SystemPrompt = spec.PersonaPrompt.Trim() };
    }

    private async Task<AvatarRecord?> FindAsync(SessionSpec spec, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(spec.AvatarId))
        {
            var chosen = await context.Avatars.AsNoTracking().FirstOrDefaultAsync(a => a.IsDefault && a.Status == AvatarStatus.Ready, cancellationToken);
            return chosen is not null && File.Exists(files.SourceOf(chosen)) ? chosen : null;
        }

        var id = spec.AvatarId.Trim();
        var avatar = AvatarFiles.IsValidId(id) ? await context.Avatars.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) : null;
        if (avatar is null || (spec.Kind == SessionKind.Chat && !IsOfferedToPages(avatar)))
        {
            throw new SessionRequestException($"There is no avatar '{id}'.");
        }

        if (avatar.Status != AvatarStatus.Ready)
        {
            throw new SessionRequestException($"Avatar '{avatar.Name}' is not ready yet ({avatar.Status}{(avatar.StatusMessage is { Length: > 0 } m ? ": " + m : string.Empty)}).");
        }

        if (!File.Exists(files.SourceOf(avatar)))
        {
            throw new SessionRequestException($"The files of avatar '{avatar.Name}' are missing; upload it again.");
        }

        return avatar;
    }

    // The chat page may pick the default avatar and the ones the admin marked public.
    private static bool IsOfferedToPages(AvatarRecord avatar) => avatar.IsDefault || avatar.IsPublic;

    private SessionProfile FromRecord(AvatarRecord avatar)
    {
        var voice = new TextToSpeechOptions { VoiceId = avatar.Voice.VoiceId, Speed = avatar.Voice.Speed, Pitch = avatar.Voice.Pitch, Language = avatar.Persona.Language };
        var persona = avatar.Persona;
        return new SessionProfile(
            files.SourceOf(avatar),
            avatar.LipSyncEngine,
            voice,
            avatar.Id,
            avatar.Name,
            NullIfEmpty(persona.SystemPrompt),
            NullIfEmpty(persona.Greeting),
            NullIfEmpty(persona.LlmEndpoint),
            NullIfEmpty(persona.LlmModel),
            Background: AvatarBackgroundEditor.ToBackground(avatar, files));
    }

    private SessionProfile Configured()
    {
        var avatar = avatarOptions.Value;
        return new SessionProfile(
            AppPaths.Resolve(avatar.Path),
            avatar.LipSyncEngineName,
            new TextToSpeechOptions { VoiceId = ttsOptions.Value.DefaultVoiceId },
            AvatarName: Path.GetFileNameWithoutExtension(avatar.Path),
            Background: avatar.Background.ToBackground());
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
