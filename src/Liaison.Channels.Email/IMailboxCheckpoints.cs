using System.Collections.Concurrent;

namespace Liaison.Channels.Email;

/// <summary>
/// How far a folder of a mailbox has been synced: every message up to <see cref="LastUid"/> under
/// <see cref="UidValidity"/> is in the inbound pipeline. A different UIDVALIDITY on the server means
/// the UIDs were renumbered, and the folder is synced again from the start (the pipeline drops
/// what it already has).
/// </summary>
/// <param name="HighestModSeq">
/// the folder's HIGHESTMODSEQ (RFC 7162) when it was last synced to its end, on servers with
/// CONDSTORE; null where unknown (no CONDSTORE, or a checkpoint from before it was kept). While a
/// folder's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ are the checkpoint's, nothing in it changed.
/// </param>
/// <param name="BackfillUpTo">
/// the highest UID the folder's initial sync found (its first pass, or the first after a new
/// UIDVALIDITY): mail up to it is history, handed over as backfill, even when that sync is resumed
/// after a crash; mail above it arrived live. 0: none (a checkpoint from before it was kept).
/// </param>
public sealed record MailboxCheckpoint(uint UidValidity, uint LastUid, ulong? HighestModSeq = null, uint BackfillUpTo = 0);

/// <summary>
/// Durable per-folder checkpoints, so a restart or crash resumes the sync where it stopped. The
/// server implements it over its database; <see cref="InMemoryMailboxCheckpoints"/> is for tests.
/// </summary>
public interface IMailboxCheckpoints
{
    Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct);

    /// <summary>Called only after the sink committed every message up to <see cref="MailboxCheckpoint.LastUid"/>.</summary>
    Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct);
}

public sealed class InMemoryMailboxCheckpoints : IMailboxCheckpoints
{
    private readonly ConcurrentDictionary<(long, string), MailboxCheckpoint> _checkpoints = new();

    public Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct) =>
        Task.FromResult(_checkpoints.TryGetValue((channelId, folder), out var checkpoint) ? checkpoint : null);

    public Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct)
    {
        _checkpoints[(channelId, folder)] = checkpoint;
        return Task.CompletedTask;
    }
}
