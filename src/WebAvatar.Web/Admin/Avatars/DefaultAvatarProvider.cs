using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

internal sealed class DefaultAvatarProvider(IDbContextFactory<WebAvatarDbContext> db, AvatarFiles files) : IDefaultAvatarProvider
{
    public async Task<DefaultAvatar?> GetDefaultAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var avatar = await context.Avatars.AsNoTracking()
            .FirstOrDefaultAsync(a => a.IsDefault && a.Status == AvatarStatus.Ready, cancellationToken);
        if (avatar is null)
        {
            return null;
        }

        var path = files.SourceOf(avatar);
        if (!File.Exists(path))
        {
            return null;
        }

        var voice = new TextToSpeechOptions { VoiceId = avatar.Voice.VoiceId, Speed = avatar.Voice.Speed, Pitch = avatar.Voice.Pitch, Language = avatar.Persona.Language };
        return new DefaultAvatar(avatar.Id, avatar.Name, path, avatar.LipSyncEngine, voice, avatar.Persona);
    }
}
