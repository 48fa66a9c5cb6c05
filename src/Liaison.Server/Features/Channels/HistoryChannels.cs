using Liaison.Core.Channels;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// Channels no provider stands behind (<see cref="ChannelKind.OnlyRecordsHistory"/>), one per source of
/// history recorded by other means: the workspace's API channel, and an import's per source. Every
/// message then has a channel, and (channel, provider id) catches the same message recorded twice
/// wherever it came from. They are made on first use and never listed with the connected accounts.
/// </summary>
public static class HistoryChannels
{
    public const string ApiName = "Recorded through the API";

    /// <summary>The channel of messages recorded through <c>POST /api/messages</c>.</summary>
    public static Task<long> ApiAsync(LiaisonDb db, long workspaceId, Instant now, CancellationToken ct) => ForSourceAsync(db, workspaceId, ChannelKind.Api, ApiName, now, ct);

    /// <summary>
    /// Finds or makes the channel of one source of history: an import calls this with
    /// <see cref="ChannelKind.Import"/> and the source's name ("Telegram export of 2026-03-01"), so a
    /// re-import of the same source lands on the same channel and its messages are stored once.
    /// Call it outside a transaction: two first calls at once meet at the unique index, and the loser
    /// reads the winner's channel.
    /// </summary>
    public static async Task<long> ForSourceAsync(LiaisonDb db, long workspaceId, ChannelKind kind, string source, Instant now, CancellationToken ct)
    {
        if (!kind.OnlyRecordsHistory) throw new ArgumentException($"A {kind} channel is a connected account, not a source of history.", nameof(kind));
        var channel = new Channel(workspaceId, kind, source, now);
        if (await FindAsync(db, workspaceId, kind, channel.Name, ct) is { } found) return found;
        db.Channels.Add(channel);
        try
        {
            await db.SaveChangesAsync(ct);
            return channel.Id;
        }
        catch (DbUpdateException)
        {
            db.Entry(channel).State = EntityState.Detached;
            if (await FindAsync(db, workspaceId, kind, channel.Name, ct) is { } theirs) return theirs;
            throw;
        }
    }

    private static Task<long?> FindAsync(LiaisonDb db, long workspaceId, ChannelKind kind, string name, CancellationToken ct) =>
        db.Channels.AsNoTracking().Where(c => c.WorkspaceId == workspaceId && c.Kind == kind && c.Name == name).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
}
