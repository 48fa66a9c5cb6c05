using Liaison.Core.Background;
using Liaison.Core.Channels;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Attachments;

public enum PendingAttachmentState
{
    /// <summary>To be fetched at <see cref="PendingAttachment.NextAttemptAt"/>.</summary>
    Waiting,
    /// <summary>Given up: the provider no longer has it, or every attempt failed. Fetched again only on the owner's Retry.</summary>
    Failed,
}

/// <summary>
/// An attachment the channel delivered by reference (a WhatsApp media id, a Telegram file id): the
/// message is recorded at once with this row, and <see cref="MediaFetching"/> fetches the bytes
/// through the channel's <see cref="Core.Inbound.IMediaFetcher"/>. Once fetched, the row gives way
/// to an ordinary <see cref="Core.Attachments.Attachment"/>; until then the timeline shows it as
/// being fetched, or why it could not be.
/// </summary>
public sealed class PendingAttachment
{
    /// <summary>Attempts before it waits for the owner (2 s doubling: about 2¼ hours in all), well inside a WhatsApp media id's 30 days.</summary>
    public const int MaxAttempts = 12;

    private PendingAttachment() { ProviderMediaId = ""; FileName = ""; ContentType = ""; }

    public PendingAttachment(long messageId, long channelId, ChannelKind kind, string providerMediaId, string fileName, string contentType, Instant at)
    {
        MessageId = messageId;
        ChannelId = channelId;
        ChannelKind = kind;
        ProviderMediaId = providerMediaId;
        FileName = Core.Text.TextSafety.FileName(fileName);
        ContentType = contentType;
        AddedAt = at;
        NextAttemptAt = at;
    }

    public long Id { get; private set; }
    public long MessageId { get; private set; }
    public long ChannelId { get; private set; }
    public ChannelKind ChannelKind { get; private set; }
    public string ProviderMediaId { get; private set; }
    public string FileName { get; private set; }
    public string ContentType { get; private set; }
    public PendingAttachmentState State { get; private set; }
    public int Attempts { get; private set; }
    public Instant AddedAt { get; private set; }
    public Instant? NextAttemptAt { get; private set; }
    /// <summary>While one instance fetches it: until when it owns the fetch.</summary>
    public Instant? LeaseUntil { get; private set; }
    /// <summary>The provider's words about the last failure.</summary>
    public string? LastError { get; private set; }

    public void RecordFailure(Instant at, string error, bool gone)
    {
        Attempts++;
        LeaseUntil = null;
        LastError = error.Length > 2000 ? error[..2000] : error;
        if (gone || Attempts >= MaxAttempts)
        {
            State = PendingAttachmentState.Failed;
            NextAttemptAt = null;
        }
        else
        {
            NextAttemptAt = at + Backoff.Queue.After(Attempts);
        }
    }

    /// <summary>The owner asked to try again: from now, with a fresh count.</summary>
    public void Retry(Instant at)
    {
        State = PendingAttachmentState.Waiting;
        Attempts = 0;
        NextAttemptAt = at;
        LeaseUntil = null;
    }
}

internal sealed class PendingAttachmentMapping : IEntityTypeConfiguration<PendingAttachment>
{
    public void Configure(EntityTypeBuilder<PendingAttachment> e)
    {
        e.ToTable("pending_attachments");
        e.Property(a => a.ProviderMediaId).HasMaxLength(1000);
        e.Property(a => a.FileName).HasMaxLength(255);
        e.Property(a => a.ContentType).HasMaxLength(200);
        e.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        e.Property(a => a.LastError).HasMaxLength(2000);
        e.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Channel>().WithMany().HasForeignKey(a => a.ChannelId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(a => a.MessageId);
        e.HasIndex(a => new { a.State, a.NextAttemptAt });
    }
}

public static class PendingAttachmentData
{
    public static DbSet<PendingAttachment> PendingAttachments(this LiaisonDb db) => db.Set<PendingAttachment>();
}
