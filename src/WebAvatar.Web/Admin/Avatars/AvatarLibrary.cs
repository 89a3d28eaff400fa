using Microsoft.EntityFrameworkCore;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>Avatar records and their settings (name, engine, default, voice, persona). Raises <see cref="Changed"/> after each edit.</summary>
public sealed class AvatarLibrary(IDbContextFactory<WebAvatarDbContext> db, AvatarFiles files, AvatarProgressTracker progress)
{
    public static readonly IReadOnlyList<string> LipSyncEngines = ["auto", "parametric", "wav2lip"];

    public event Action? Changed;

    public async Task<IReadOnlyList<AvatarRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var all = await context.Avatars.AsNoTracking().ToListAsync(cancellationToken);
        return all.OrderByDescending(a => a.CreatedUtc).ToList();
    }

    /// <summary>The ready avatars an admin marked public: what visitors may choose from on the chat page and through /api/v1.</summary>
    public async Task<IReadOnlyList<AvatarRecord>> ListPublicAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var all = await context.Avatars.AsNoTracking().Where(a => a.IsPublic && a.Status == AvatarStatus.Ready).ToListAsync(cancellationToken);
        return all.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    public async Task<AvatarRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!AvatarFiles.IsValidId(id))
        {
            return null;
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.Avatars.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
    }

    public Task RenameAsync(string id, string name, CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > 100)
        {
            throw new ArgumentException("An avatar name must be 1 to 100 characters.", nameof(name));
        }

        return EditAsync(id, a => a.Name = trimmed, cancellationToken);
    }

    public Task SetLipSyncEngineAsync(string id, string engine, CancellationToken cancellationToken)
    {
        if (!LipSyncEngines.Contains(engine, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown lip-sync engine '{engine}'. Choose one of: {string.Join(", ", LipSyncEngines)}.", nameof(engine));
        }

        return EditAsync(id, a => a.LipSyncEngine = engine.ToLowerInvariant(), cancellationToken);
    }

    public Task SetVoiceAsync(string id, VoiceBinding voice, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(voice.VoiceId) || voice.Speed is < 0.25f or > 4f || voice.Pitch is < 0.25f or > 4f)
        {
            throw new ArgumentException("A voice needs an id, a speed between 0.25 and 4 and a pitch between 0.25 and 4.", nameof(voice));
        }

        return EditAsync(id, a => a.Voice = new VoiceBinding { VoiceId = voice.VoiceId.Trim(), Speed = voice.Speed, Pitch = voice.Pitch }, cancellationToken);
    }

    public Task SetPersonaAsync(string id, Persona persona, CancellationToken cancellationToken)
    {
        if (persona.LlmEndpoint.Length > 0 && !Uri.TryCreate(persona.LlmEndpoint, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"'{persona.LlmEndpoint}' is not an absolute URL (e.g. http://localhost:11434).", nameof(persona));
        }

        if (persona.SystemPrompt.Length > 8000 || persona.Greeting.Length > 500)
        {
            throw new ArgumentException("The system prompt is limited to 8000 characters and the greeting to 500.", nameof(persona));
        }

        return EditAsync(id, a => a.Persona = new Persona
        {
            SystemPrompt = persona.SystemPrompt.Trim(),
            LlmEndpoint = persona.LlmEndpoint.Trim(),
            LlmModel = persona.LlmModel.Trim(),
            Greeting = persona.Greeting.Trim(),
            Language = string.IsNullOrWhiteSpace(persona.Language) ? "en" : persona.Language.Trim(),
        }, cancellationToken);
    }

    /// <summary>Offers the avatar on the public chat page, or stops offering it; it is shown there only once it is ready.</summary>
    public Task SetPublicAsync(string id, bool isPublic, CancellationToken cancellationToken) =>
        EditAsync(id, a => a.IsPublic = isPublic, cancellationToken);

    /// <summary>Makes <paramref name="id"/> the avatar of new chat sessions; only a ready avatar can be the default.</summary>
    public async Task SetDefaultAsync(string id, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var avatar = await context.Avatars.FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"Avatar '{id}' does not exist.");
        if (avatar.Status != AvatarStatus.Ready)
        {
            throw new InvalidOperationException($"Avatar '{avatar.Name}' is not ready ({avatar.Status}); wait for its preprocessing to finish.");
        }

        foreach (var other in await context.Avatars.Where(a => a.IsDefault).ToListAsync(cancellationToken))
        {
            other.IsDefault = false;
        }

        avatar.IsDefault = true;
        await context.SaveChangesAsync(cancellationToken);
        Changed?.Invoke();
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!AvatarFiles.IsValidId(id))
        {
            return false;
        }

        await using (var context = await db.CreateDbContextAsync(cancellationToken))
        {
            if (await context.Avatars.Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        progress.Forget(id);
        var folder = files.FolderOf(id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Changed?.Invoke();
        return true;
    }

    public void NotifyChanged() => Changed?.Invoke();

    private async Task EditAsync(string id, Action<AvatarRecord> edit, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var avatar = await context.Avatars.FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"Avatar '{id}' does not exist.");
        edit(avatar);
        await context.SaveChangesAsync(cancellationToken);
        Changed?.Invoke();
    }
}
