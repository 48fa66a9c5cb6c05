using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Features.Inbound;

/// <summary>One checkpoint of a pulling channel: a value under a key of the channel's choosing (a mailbox's "folder:INBOX").</summary>
public sealed class ChannelCheckpointRecord
{
    private ChannelCheckpointRecord() { Key = ""; Value = ""; }

    public ChannelCheckpointRecord(long channelId, string key, string value)
    {
        ChannelId = channelId;
        Key = key;
        Value = value;
    }

    public long ChannelId { get; private set; }
    public string Key { get; private set; }
    public string Value { get; set; }
}

internal sealed class ChannelCheckpointRecordMapping : IEntityTypeConfiguration<ChannelCheckpointRecord>
{
    public const int MaxKeyLength = 450; // a folder name (400) under its prefix

    public void Configure(EntityTypeBuilder<ChannelCheckpointRecord> e)
    {
        e.ToTable("channel_checkpoints");
        e.HasKey(c => new { c.ChannelId, c.Key });
        e.Property(c => c.Key).HasMaxLength(MaxKeyLength);
        e.Property(c => c.Value).HasMaxLength(4000);
        e.HasOne<Core.Channels.Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The checkpoints of every pulling channel, in the database: a restart resumes where the last commit ended.</summary>
public sealed class DatabaseChannelCheckpoints(IDbContextFactory<LiaisonDb> dbs) : IChannelCheckpoints
{
    public async Task<string?> GetAsync(long channelId, string key, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ChannelCheckpoints.AsNoTracking().Where(c => c.ChannelId == channelId && c.Key == key).Select(c => c.Value).FirstOrDefaultAsync(ct);
    }

    public async Task SetAsync(long channelId, string key, string value, CancellationToken ct)
    {
        if (key.Length > ChannelCheckpointRecordMapping.MaxKeyLength)
            throw new ArgumentException($"A checkpoint key is at most {ChannelCheckpointRecordMapping.MaxKeyLength} characters.", nameof(key));
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.ChannelCheckpoints.FirstOrDefaultAsync(c => c.ChannelId == channelId && c.Key == key, ct);
        if (row is null) db.ChannelCheckpoints.Add(new ChannelCheckpointRecord(channelId, key, value));
        else row.Value = value;
        await db.SaveChangesAsync(ct);
    }

    public async Task ForgetAsync(long channelId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await ForgetAsync(db, channelId, ct);
    }

    /// <summary>The same within the caller's transaction (settings that now name another account are stored with it).</summary>
    public static Task ForgetAsync(LiaisonDb db, long channelId, CancellationToken ct) =>
        db.ChannelCheckpoints.Where(c => c.ChannelId == channelId).ExecuteDeleteAsync(ct);
}
