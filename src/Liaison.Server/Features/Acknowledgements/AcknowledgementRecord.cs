using Liaison.Core.Acknowledgements;
using Liaison.Core.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Acknowledgements;

/// <summary>Where the acknowledgement of one message stands.</summary>
public enum AcknowledgementState
{
    /// <summary>Found, not decided yet: decided at <see cref="AcknowledgementRecord.DueAt"/>.</summary>
    Pending,
    /// <summary>The agreement waits before acknowledging: decided again at <see cref="AcknowledgementRecord.DueAt"/>.</summary>
    Waiting,
    /// <summary>Queued through the outbox as <see cref="AcknowledgementRecord.OutboundMessageId"/>.</summary>
    Sent,
    /// <summary>Not sent, for <see cref="AcknowledgementRecord.Reason"/>.</summary>
    Skipped,
}

/// <summary>
/// The acknowledgement decision for one inbound message that needs an answer (one per message, so
/// one per promise): when it is due, what was decided and why, and the message that carried it.
/// It is its own schedule: a row due at an instant is claimed with a lease and decided once, on any
/// instance, after any restart.
/// </summary>
public sealed class AcknowledgementRecord
{
    private AcknowledgementRecord() { Sender = ""; }

    public AcknowledgementRecord(long messageId, long clientId, long conversationId, long channelId, string sender, Instant now)
    {
        MessageId = messageId;
        ClientId = clientId;
        ConversationId = conversationId;
        ChannelId = channelId;
        Sender = sender;
        State = AcknowledgementState.Pending;
        CreatedAt = now;
        DueAt = now;
    }

    public long Id { get; private set; }
    /// <summary>The client's message acknowledged.</summary>
    public long MessageId { get; private set; }
    public long ClientId { get; private set; }
    public long ConversationId { get; private set; }
    public long ChannelId { get; private set; }
    /// <summary>The sender's address on the channel, for the per-sender cap.</summary>
    public string Sender { get; private set; }
    public AcknowledgementState State { get; private set; }
    public AcknowledgementReason? Reason { get; private set; }
    public Instant CreatedAt { get; private set; }
    /// <summary>When it is decided (again); null once sent or skipped.</summary>
    public Instant? DueAt { get; private set; }
    /// <summary>While being decided: until when one instance owns it.</summary>
    public Instant? LeaseUntil { get; private set; }
    public Instant? DecidedAt { get; private set; }
    /// <summary>The acknowledgement itself, once queued.</summary>
    public long? OutboundMessageId { get; private set; }

    public void Wait(AcknowledgementReason reason, Instant until)
    {
        State = AcknowledgementState.Waiting;
        Reason = reason;
        DueAt = until;
        LeaseUntil = null;
    }

    public void MarkSent(AcknowledgementReason reason, long outboundMessageId, Instant at)
    {
        State = AcknowledgementState.Sent;
        Reason = reason;
        OutboundMessageId = outboundMessageId;
        DecidedAt = at;
        DueAt = null;
        LeaseUntil = null;
    }

    public void Skip(AcknowledgementReason reason, Instant at)
    {
        State = AcknowledgementState.Skipped;
        Reason = reason;
        DecidedAt = at;
        DueAt = null;
        LeaseUntil = null;
    }
}

internal sealed class AcknowledgementRecordMapping : IEntityTypeConfiguration<AcknowledgementRecord>
{
    public void Configure(EntityTypeBuilder<AcknowledgementRecord> e)
    {
        e.ToTable("acknowledgements");
        e.Property(a => a.Sender).HasMaxLength(320);
        e.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        e.Property(a => a.Reason).HasConversion<string>().HasMaxLength(48);
        e.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Message>().WithMany().HasForeignKey(a => a.OutboundMessageId).OnDelete(DeleteBehavior.SetNull);
        // One decision per message (so per promise), however many instances find it at once.
        e.HasIndex(a => a.MessageId).IsUnique();
        e.HasIndex(a => a.OutboundMessageId);
        e.HasIndex(a => new { a.State, a.DueAt });
        e.HasIndex(a => new { a.ClientId, a.DecidedAt });
    }
}

public static class AcknowledgementData
{
    public static DbSet<AcknowledgementRecord> Acknowledgements(this Data.LiaisonDb db) => db.Set<AcknowledgementRecord>();
}
