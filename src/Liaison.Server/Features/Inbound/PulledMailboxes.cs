using Liaison.Channels.Email;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// How far a pulled folder has been fetched: the IMAP UIDVALIDITY, the last UID committed and, on
/// servers with CONDSTORE, the HIGHESTMODSEQ the folder had when last synced to its end.
/// </summary>
public sealed class MailboxCheckpointRecord
{
    private MailboxCheckpointRecord() { Folder = ""; }

    public MailboxCheckpointRecord(long channelId, string folder)
    {
        ChannelId = channelId;
        Folder = folder;
    }

    public long ChannelId { get; private set; }
    public string Folder { get; private set; }
    public long UidValidity { get; set; }
    public long LastUid { get; set; }

    /// <summary>
    /// An unsigned 64-bit value in a signed column (neither database has an unsigned one), cast
    /// unchecked both ways so that every value survives the round trip. RFC 7162 keeps mod-sequences
    /// below 2^63, so in practice the stored number is the server's; it is only ever compared for
    /// equality, never ordered in SQL. Null: unknown (no CONDSTORE, or a row from before it was kept).
    /// </summary>
    public long? HighestModSeq { get; set; }

    /// <summary>The highest UID of the folder's initial sync (<see cref="MailboxCheckpoint.BackfillUpTo"/>); 0 for rows from before it was kept.</summary>
    public long BackfillUpTo { get; set; }
}

internal sealed class MailboxCheckpointRecordMapping : IEntityTypeConfiguration<MailboxCheckpointRecord>
{
    public void Configure(EntityTypeBuilder<MailboxCheckpointRecord> e)
    {
        e.ToTable("mailbox_checkpoints");
        e.HasKey(c => new { c.ChannelId, c.Folder });
        e.Property(c => c.Folder).HasMaxLength(400);
        e.HasOne<Core.Channels.Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The e-mail channel's checkpoints, in the database: a restart resumes where the last commit ended.</summary>
public sealed class DatabaseMailboxCheckpoints(IDbContextFactory<LiaisonDb> dbs) : IMailboxCheckpoints
{
    /// <summary>
    /// Whether edited settings still name the mailbox the checkpoints were taken in: the same IMAP
    /// host and user. A new port or security (143 with starttls for 993 with ssl) reaches the same
    /// mailbox, and so does a new password.
    /// </summary>
    public static bool SameMailbox(ChannelSettings before, ChannelSettings after) =>
        SameName(before["imap.host"], after["imap.host"]) && SameName(before["user"], after["user"]);

    /// <summary>
    /// Forgets where a channel's folders were fetched up to: its settings now name another mailbox,
    /// which is read from its start. UIDVALIDITY alone would not protect it: two mailboxes on one
    /// server created in the same second can share it, and the old mailbox's last UID would then
    /// skip the new one's first mails. Mail both mailboxes hold is stored once (Message-ID per channel).
    /// </summary>
    public static Task ForgetAsync(LiaisonDb db, long channelId, CancellationToken ct) =>
        db.MailboxCheckpoints.Where(c => c.ChannelId == channelId).ExecuteDeleteAsync(ct);

    private static bool SameName(string? a, string? b) =>
        string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    public async Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.MailboxCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.ChannelId == channelId && c.Folder == folder, ct);
        return row is null ? null : new MailboxCheckpoint((uint)row.UidValidity, (uint)row.LastUid, unchecked((ulong?)row.HighestModSeq), (uint)row.BackfillUpTo);
    }

    public async Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.MailboxCheckpoints.FirstOrDefaultAsync(c => c.ChannelId == channelId && c.Folder == folder, ct);
        if (row is null) db.MailboxCheckpoints.Add(row = new MailboxCheckpointRecord(channelId, folder));
        row.UidValidity = checkpoint.UidValidity;
        row.LastUid = checkpoint.LastUid;
        row.HighestModSeq = unchecked((long?)checkpoint.HighestModSeq);
        row.BackfillUpTo = checkpoint.BackfillUpTo;
        await db.SaveChangesAsync(ct);
    }
}
