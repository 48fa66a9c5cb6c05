using System.Globalization;
using Liaison.Core.Inbound;

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
/// Durable per-folder checkpoints, so a restart or crash resumes the sync where it stopped: the
/// e-mail channel's typed view (<see cref="MailboxCheckpoints"/>) over the channel checkpoints the
/// host keeps (<see cref="IChannelCheckpoints"/>).
/// </summary>
public interface IMailboxCheckpoints
{
    Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct);

    /// <summary>Called only after the sink committed every message up to <see cref="MailboxCheckpoint.LastUid"/>.</summary>
    Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct);
}

/// <summary>
/// A folder's checkpoint as one channel checkpoint under <c>folder:NAME</c>, written
/// <c>uidvalidity;lastuid;highestmodseq;backfillupto</c> (highestmodseq empty when unknown).
/// </summary>
public class MailboxCheckpoints(IChannelCheckpoints store) : IMailboxCheckpoints
{
    private const string KeyPrefix = "folder:";

    public async Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct) =>
        await store.GetAsync(channelId, KeyPrefix + folder, ct) is { } value ? Read(value) : null;

    public Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct) =>
        store.SetAsync(channelId, KeyPrefix + folder, Write(checkpoint), ct);

    internal static string Write(MailboxCheckpoint c) =>
        string.Join(';', c.UidValidity.ToString(CultureInfo.InvariantCulture), c.LastUid.ToString(CultureInfo.InvariantCulture),
            c.HighestModSeq?.ToString(CultureInfo.InvariantCulture) ?? "", c.BackfillUpTo.ToString(CultureInfo.InvariantCulture));

    // A value this version cannot read (written by a later one, or damaged) reads as no checkpoint:
    // the folder is synced from its start, and what is already stored is dropped as a duplicate.
    internal static MailboxCheckpoint? Read(string value)
    {
        var parts = value.Split(';');
        if (parts.Length != 4
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var backfill))
            return null;
        ulong? modSeq = ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : null;
        return new MailboxCheckpoint(validity, last, modSeq, backfill);
    }
}

/// <summary>Mailbox checkpoints in memory only, for tests.</summary>
public sealed class InMemoryMailboxCheckpoints() : MailboxCheckpoints(new InMemoryChannelCheckpoints());
