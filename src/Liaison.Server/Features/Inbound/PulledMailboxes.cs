using Liaison.Channels.Email;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Features.Inbound;

/// <summary>How far a pulled folder has been fetched: the IMAP UIDVALIDITY and the last UID committed.</summary>
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
    public async Task<MailboxCheckpoint?> GetAsync(long channelId, string folder, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.MailboxCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.ChannelId == channelId && c.Folder == folder, ct);
        return row is null ? null : new MailboxCheckpoint((uint)row.UidValidity, (uint)row.LastUid);
    }

    public async Task SaveAsync(long channelId, string folder, MailboxCheckpoint checkpoint, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.MailboxCheckpoints.FirstOrDefaultAsync(c => c.ChannelId == channelId && c.Folder == folder, ct);
        if (row is null) db.MailboxCheckpoints.Add(row = new MailboxCheckpointRecord(channelId, folder));
        row.UidValidity = checkpoint.UidValidity;
        row.LastUid = checkpoint.LastUid;
        await db.SaveChangesAsync(ct);
    }
}
