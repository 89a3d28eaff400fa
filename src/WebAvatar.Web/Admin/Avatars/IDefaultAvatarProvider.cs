using Microsoft.Extensions.AI;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>The avatar, engine, voice and persona chosen in the dashboard for new chat sessions.</summary>
public sealed record DefaultAvatar(string AvatarId, string Name, string Path, string LipSyncEngine, TextToSpeechOptions Voice, Persona Persona);

/// <summary>
/// Asked by the session manager when it creates a session. Returns null when no avatar is marked as the
/// default (or its files are gone); the manager then uses its configuration (Avatar:Path). Non-blocking apart
/// from one small database read.
/// </summary>
public interface IDefaultAvatarProvider
{
    Task<DefaultAvatar?> GetDefaultAsync(CancellationToken cancellationToken);
}
