using Liaison.Core.Background;
using Liaison.Core.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

public enum DeliveryProcessing
{
    /// <summary>Stored, waiting to be (re)processed at <see cref="InboundDelivery.NextAttemptAt"/>.</summary>
    Pending,
    Processed,
    /// <summary>Gave up: shown on the Undelivered page with its raw payload until someone retries it.</summary>
    Failed,
}

/// <summary>
/// A delivery exactly as the provider sent it, stored before it is answered. (ChannelId, Key) is
/// unique: the provider's retries of one delivery land on the same row. Processing turns it into
/// messages later, and may run again; the payload is never changed.
/// </summary>
public sealed class InboundDelivery
{
    public long Id { get; private set; }
    public long ChannelId { get; private set; }
    public string Key { get; private set; } = "";
    public Instant ReceivedAt { get; private set; }
    /// <summary>
    /// For a large delivery (a mail with big attachments): its bytes in the content-addressed store.
    /// Null: its bytes are an <see cref="InboundPayload"/>.
    /// </summary>
    public string? PayloadSha256 { get; private set; }
    /// <summary>
    /// History the channel found when first read (a mailbox's initial sync), not something that just
    /// arrived: its messages are recorded as backfill (<see cref="Core.Messages.Message.IsBackfill"/>).
    /// </summary>
    public bool IsBackfill { get; private set; }
    public DeliveryProcessing State { get; private set; }
    public int Attempts { get; private set; }
    public Instant NextAttemptAt { get; private set; }
    /// <summary>
    /// While set and in the future, one processor instance is working on it. Set but past on a pending
    /// delivery: its last attempt never finished (the server stopped during it).
    /// </summary>
    public Instant? LeaseUntil { get; private set; }
    public string? LastError { get; private set; }
    public Instant? ProcessedAt { get; private set; }

    /// <summary>
    /// Records how an attempt failed: retried with exponential backoff, or given up when
    /// <paramref name="permanent"/> or out of attempts. The attempt itself was counted when it was
    /// claimed (<see cref="DeliveryStore.ClaimAsync"/>), before processing began.
    /// </summary>
    /// <param name="at">now on the <see cref="Background.LeaseClock"/>, which the next claim compares with.</param>
    public void MarkFailed(Instant at, string error, bool permanent, int maxAttempts)
    {
        LastError = error.Length > 2000 ? error[..2000] : error;
        LeaseUntil = null;
        if (permanent || Attempts >= maxAttempts)
        {
            State = DeliveryProcessing.Failed;
            return;
        }
        // 2 s, 4 s, 8 s ... capped at an hour: a database blip heals fast, a long outage doesn't spin.
        NextAttemptAt = at + Backoff.Queue.After(Attempts);
    }

    public void Retry(Instant at)
    {
        State = DeliveryProcessing.Pending;
        Attempts = 0;
        NextAttemptAt = at;
        LeaseUntil = null;
    }
}

/// <summary>
/// The bytes of a delivery kept in the database, in a table of their own: claiming a delivery and
/// marking it processed then rewrite a small row, not its payload with it (SQLite rewrites a whole
/// row on every update, and a mailbox's first sync wrote each mail three times that way).
/// </summary>
public sealed class InboundPayload
{
    private InboundPayload() { }

    public long DeliveryId { get; private set; }
    public byte[] Bytes { get; private set; } = [];
}

public static class InboundDeliveries
{
    /// <summary>
    /// Marks <paramref name="deliveries"/> processed in one statement, without loading them: a
    /// delivery row carries its whole payload, and processing a batch must not read it twice. The
    /// attempt was counted when it was claimed; clearing the lease marks it finished.
    /// </summary>
    public static Task<int> MarkProcessedAsync(this IQueryable<InboundDelivery> deliveries, Instant at, CancellationToken ct) =>
        deliveries.ExecuteUpdateAsync(set => set
            .SetProperty(d => d.State, DeliveryProcessing.Processed)
            .SetProperty(d => d.ProcessedAt, at)
            .SetProperty(d => d.LeaseUntil, (Instant?)null)
            .SetProperty(d => d.LastError, (string?)null), ct);

    /// <summary>
    /// Counts an attempt at one delivery and leases it, durably, before it is processed outside the
    /// claim (the Retry button): if processing stops the server, the next start knows.
    /// </summary>
    public static Task<int> BeginAttemptAsync(this IQueryable<InboundDelivery> deliveries, Instant leaseUntil, CancellationToken ct) =>
        deliveries.Where(d => d.State == DeliveryProcessing.Pending).ExecuteUpdateAsync(set => set
            .SetProperty(d => d.LeaseUntil, leaseUntil)
            .SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
}

internal sealed class InboundDeliveryMapping : IEntityTypeConfiguration<InboundDelivery>
{
    public void Configure(EntityTypeBuilder<InboundDelivery> e)
    {
        e.Property(d => d.Key).HasColumnName("delivery_key").HasMaxLength(Core.Inbound.DeliveryKey.MaxLength);
        e.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        e.Property(d => d.LastError).HasMaxLength(2000);
        e.Property(d => d.PayloadSha256).HasMaxLength(64);
        e.HasOne<Channel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(d => new { d.ChannelId, d.Key }).IsUnique();
        e.HasIndex(d => new { d.State, d.NextAttemptAt });
    }
}

internal sealed class InboundPayloadMapping : IEntityTypeConfiguration<InboundPayload>
{
    public void Configure(EntityTypeBuilder<InboundPayload> e)
    {
        e.ToTable("inbound_payloads");
        e.HasKey(p => p.DeliveryId);
        e.Property(p => p.DeliveryId).ValueGeneratedNever();
        e.HasOne<InboundDelivery>().WithOne().HasForeignKey<InboundPayload>(p => p.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
