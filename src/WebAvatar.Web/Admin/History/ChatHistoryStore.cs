using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using WebAvatar.Conversation;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Web.Admin.History;

/// <summary>A session that has stored history, for the history page's list.</summary>
public sealed record SessionHistorySummary(string SessionId, int Messages, DateTime FirstUtc, DateTime LastUtc);

/// <summary>
/// Persists every final transcript line of every live session to SQLite, from the registry's event feed. Events arrive
/// on pipeline threads and are only queued there; one background loop writes them in batches.
/// </summary>
public sealed partial class ChatHistoryStore(
    SessionRegistry registry,
    IDbContextFactory<WebAvatarDbContext> db,
    ILogger<ChatHistoryStore> logger) : BackgroundService
{
    private readonly Channel<ChatMessage> _pending = Channel.CreateBounded<ChatMessage>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public async Task<IReadOnlyList<SessionHistorySummary>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var rows = await context.ChatMessages.GroupBy(m => m.SessionId)
            .Select(g => new SessionHistorySummary(g.Key, g.Count(), g.Min(m => m.AtUtc), g.Max(m => m.AtUtc)))
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.LastUtc).ToList();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.ChatMessages.AsNoTracking().Where(m => m.SessionId == sessionId)
            .OrderBy(m => m.AtUtc).ThenBy(m => m.Id).ToListAsync(cancellationToken);
    }

    public async Task<int> ClearAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.ChatMessages.Where(m => m.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Queues a final entry for writing; partial entries are ignored. Never blocks.</summary>
    public void Record(string sessionId, TranscriptEntry entry)
    {
        if (entry.IsFinal && !string.IsNullOrWhiteSpace(entry.Text))
        {
            _pending.Writer.TryWrite(new ChatMessage { SessionId = sessionId, Role = entry.Role.ToString(), Text = entry.Text, AtUtc = entry.At.UtcDateTime });
        }
    }

    /// <summary>Writes what is queued now; the loop does this continuously, tests call it to flush.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<ChatMessage>();
        while (batch.Count < 500 && _pending.Reader.TryRead(out var message))
        {
            batch.Add(message);
        }

        if (batch.Count > 0)
        {
            await using var context = await db.CreateDbContextAsync(cancellationToken);
            context.ChatMessages.AddRange(batch);
            await context.SaveChangesAsync(cancellationToken);
        }

        return batch.Count;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        registry.EventPublished -= OnEvent;
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        registry.EventPublished += OnEvent;
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                try
                {
                    while (await FlushAsync(stoppingToken) > 0)
                    {
                    }
                }
                catch (DbUpdateException ex)
                {
                    LogWriteFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Whatever was queued before shutdown is still written.
        while (await FlushAsync(CancellationToken.None) > 0)
        {
        }
    }

    private void OnEvent(SessionEvent e)
    {
        if (e is TranscriptUpdated line)
        {
            Record(e.SessionId, line.ToEntry());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat history could not be written")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
