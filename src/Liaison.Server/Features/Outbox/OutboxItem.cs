using Liaison.Core.Channels;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

public enum OutboxState
{
    /// <summary>Waiting for the outbox to send it at <see cref="OutboxItem.NextAttemptAt"/>.</summary>
    Queued,
    /// <summary>
    /// Handed to the provider under a lease. Found here with the lease run out, the server died
    /// mid-send: the mail may have left, so the provider is asked before anything is sent again.
    /// </summary>
    Sending,
    Sent,
    /// <summary>The last attempt failed; retried at <see cref="OutboxItem.NextAttemptAt"/>, or, when that is null, only when the owner asks.</summary>
    Failed,
    /// <summary>The owner withdrew it before it left.</summary>
    Cancelled,
}

/// <summary>
/// An outbound message on its way out: the draft as the channel's sender prepared it (its provider
/// id already chosen and stored on the <see cref="Message"/>), and where the sending stands. Stored
/// in the same transaction as the message, so a message shown as ours is never lost on the way.
/// </summary>
public sealed class OutboxItem
{
    /// <summary>After this many failed attempts in a row (2 s … about 17 min apart) it waits for the owner's Retry.</summary>
    public const int MaxAttempts = 10;

    private OutboxItem() { To = ""; ProviderMessageId = ""; Text = ""; }

    public OutboxItem(long messageId, long channelId, OutboundDraft draft, Instant at)
    {
        ArgumentNullException.ThrowIfNull(draft);
        MessageId = messageId;
        ChannelId = channelId;
        To = draft.To;
        Subject = draft.Subject;
        Text = draft.Text;
        InReplyTo = draft.InReplyTo;
        References = draft.References is { Count: > 0 } refs ? string.Join(' ', refs) : null;
        ProviderMessageId = draft.ProviderMessageId ?? throw new ArgumentException("The draft must be prepared by its sender first.", nameof(draft));
        State = OutboxState.Queued;
        CreatedAt = at;
        NextAttemptAt = at;
    }

    public long Id { get; private set; }
    public long MessageId { get; private set; }
    public long ChannelId { get; private set; }
    public string To { get; private set; }
    public string? Subject { get; private set; }
    public string Text { get; private set; }
    public string? InReplyTo { get; private set; }
    /// <summary>The thread's provider ids, space-separated, oldest first.</summary>
    public string? References { get; private set; }
    public string ProviderMessageId { get; private set; }
    public OutboxState State { get; private set; }
    public int Attempts { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? NextAttemptAt { get; private set; }
    /// <summary>While <see cref="OutboxState.Sending"/>: until when one instance owns the send.</summary>
    public Instant? LeaseUntil { get; private set; }
    /// <summary>The provider's own words about the last failure (or a warning after a send that succeeded).</summary>
    public string? LastError { get; private set; }
    public Instant? SentAt { get; private set; }

    public OutboundDraft ToDraft() => new(To, Subject, Text, InReplyTo,
        References?.Split(' ', StringSplitOptions.RemoveEmptyEntries), ProviderMessageId);

    public void MarkSent(Instant at, string? warning)
    {
        State = OutboxState.Sent;
        SentAt = at;
        LeaseUntil = null;
        NextAttemptAt = null;
        LastError = warning;
        Attempts++;
    }

    /// <summary>
    /// A failed attempt: retried after 2^attempts seconds (capped at an hour), or left for the owner
    /// (no <see cref="NextAttemptAt"/>) when <paramref name="permanent"/> or out of attempts.
    /// </summary>
    /// <param name="error">the provider's own words, shown to the owner.</param>
    /// <param name="permanent">it would fail the same way again: a broken rule, or the provider refused
    /// it for good (an SMTP 5xx: unknown recipient, message too large); only the owner's Retry, after a fix, sends it again.</param>
    public void MarkFailed(Instant at, string error, bool permanent)
    {
        Attempts++;
        State = OutboxState.Failed;
        LastError = Trim(error);
        LeaseUntil = null;
        NextAttemptAt = permanent || Attempts >= MaxAttempts ? null : at + Backoff(Attempts);
    }

    /// <summary>Could not tell whether an interrupted send left: stays <see cref="OutboxState.Sending"/> and is asked about again later.</summary>
    public void PostponeCheck(Instant at, string error)
    {
        LastError = Trim(error);
        LeaseUntil = at + Backoff(Math.Max(1, Attempts));
    }

    public void Retry(Instant at)
    {
        if (State is not (OutboxState.Failed or OutboxState.Cancelled))
            throw new Core.DomainRuleException("outbox.retry.state", $"Only a failed or cancelled message can be sent again; this one is {State.ToString().ToLowerInvariant()}.");
        State = OutboxState.Queued;
        Attempts = 0;
        NextAttemptAt = at;
        LastError = null;
    }

    public void Cancel()
    {
        if (State is not (OutboxState.Queued or OutboxState.Failed))
            throw new Core.DomainRuleException("outbox.cancel.state", $"Only a message that has not left can be cancelled; this one is {State.ToString().ToLowerInvariant()}.");
        State = OutboxState.Cancelled;
        NextAttemptAt = null;
    }

    public static Duration Backoff(int attempts) => Duration.FromSeconds(Math.Min(3600, Math.Pow(2, attempts)));

    private static string Trim(string error) => error.Length > 2000 ? error[..2000] : error;
}

internal sealed class OutboxItemMapping : IEntityTypeConfiguration<OutboxItem>
{
    public void Configure(EntityTypeBuilder<OutboxItem> e)
    {
        e.ToTable("outbox");
        e.Property(o => o.To).HasMaxLength(320);
        e.Property(o => o.Subject).HasMaxLength(1000);
        e.Property(o => o.InReplyTo).HasMaxLength(400);
        e.Property(o => o.ProviderMessageId).HasMaxLength(400);
        e.Property(o => o.State).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        e.Property(o => o.LastError).HasMaxLength(2000);
        e.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Channel>().WithMany().HasForeignKey(o => o.ChannelId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(o => o.MessageId).IsUnique();
        e.HasIndex(o => new { o.State, o.NextAttemptAt });
    }
}
