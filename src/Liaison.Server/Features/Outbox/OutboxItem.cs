using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Core.Background;
using Liaison.Core.Channels;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

public enum OutboxState
{
    /// <summary>Waiting for the outbox to send it at <see cref="OutboxItem.NextAttemptAt"/>.</summary>
    Queued,
    /// <summary>
    /// Handed to the provider under a lease. Found here with the lease run out, the server died
    /// mid-send: the message may have left, so the provider is asked before anything is sent again.
    /// </summary>
    Sending,
    Sent,
    /// <summary>The last attempt failed; retried at <see cref="OutboxItem.NextAttemptAt"/>, or, when that is null, only when the owner asks.</summary>
    Failed,
    /// <summary>The owner withdrew it before it left.</summary>
    Cancelled,
    /// <summary>The provider asked to wait (a rate limit, a 429 with Retry-After): sent at <see cref="OutboxItem.NextAttemptAt"/>; not a failure.</summary>
    Deferred,
}

/// <summary>
/// An outbound message on its way out: what it says (<see cref="Content"/>, one stored document), on
/// which channel, and where the sending stands. Stored in the same transaction as its
/// <see cref="Message"/>, which holds the recipient and the provider's id, so a message shown as
/// ours is never lost on the way.
/// </summary>
public sealed class OutboxItem
{
    /// <summary>After this many failed attempts in a row (<see cref="Backoff.Queue"/>: 2 s … about 17 min apart) it waits for the owner's Retry.</summary>
    public const int MaxAttempts = 10;

    /// <summary>
    /// After this many deferrals in a row it waits for the owner's Retry too: a provider that keeps
    /// asking to wait (a rate limit that never lifts) must not keep the message in limbo for ever.
    /// </summary>
    public const int MaxDeferrals = 100;

    /// <summary>The longest one deferral waits, whatever the provider asked: a Retry-After of a year is a provider's bug, not a plan.</summary>
    public static readonly Duration LongestDeferral = Duration.FromDays(1);

    private OutboxItem() { Content = new OutboundContent(null, ""); }

    /// <param name="notBefore">a scheduled send: not before this instant (the client's next contact hour); null or past sends at once.</param>
    public OutboxItem(long messageId, long channelId, OutboundContent content, Instant at, Instant? notBefore = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        MessageId = messageId;
        ChannelId = channelId;
        Content = content;
        IdempotencyKey = content.IdempotencyKey;
        State = OutboxState.Queued;
        CreatedAt = at;
        NextAttemptAt = at;
        if (notBefore is { } scheduled && scheduled > at)
        {
            ScheduledFor = scheduled;
            NextAttemptAt = scheduled;
        }
    }

    public long Id { get; private set; }
    public long MessageId { get; private set; }
    public long ChannelId { get; private set; }
    public OutboundContent Content { get; private set; }
    /// <summary><see cref="OutboundContent.IdempotencyKey"/>, kept beside the document for its unique index per channel.</summary>
    public string? IdempotencyKey { get; private set; }
    public OutboxState State { get; private set; }
    /// <summary>Failed attempts in a row (and the one that succeeded); a deferral is not one.</summary>
    public int Attempts { get; private set; }

    /// <summary>Deferrals in a row since it was queued, retried or last failed; see <see cref="MaxDeferrals"/>.</summary>
    public int Deferrals { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? NextAttemptAt { get; private set; }
    /// <summary>While <see cref="OutboxState.Sending"/>: until when one instance owns the send.</summary>
    public Instant? LeaseUntil { get; private set; }
    /// <summary>The provider's own words about the last failure or deferral (or a warning after a send that succeeded).</summary>
    public string? LastError { get; private set; }
    /// <summary>The provider's code for a refusal for good ("550"), when it gave one.</summary>
    public string? LastErrorCode { get; private set; }
    public Instant? SentAt { get; private set; }
    /// <summary>
    /// A scheduled send: written outside the client's contact hours and held until then. It is an
    /// ordinary queued entry whose first attempt is due at this instant, so it survives a restart and
    /// leaves once (the outbox's lease); <see cref="SendNow"/> or <see cref="Cancel"/> change it.
    /// </summary>
    public Instant? ScheduledFor { get; private set; }

    /// <summary>True while it waits for its scheduled instant.</summary>
    public bool IsScheduled(Instant now) => State == OutboxState.Queued && ScheduledFor is { } at && at > now;

    /// <summary>A scheduled message goes out now after all.</summary>
    public void SendNow(Instant at)
    {
        if (State != OutboxState.Queued || ScheduledFor is null)
            throw new Core.DomainRuleException("outbox.sendNow.state", $"Only a scheduled message can be sent now instead; this one is {State.ToString().ToLowerInvariant()}.");
        ScheduledFor = null;
        NextAttemptAt = at;
    }

    /// <param name="to">the recipient, as stored on the message.</param>
    /// <param name="providerMessageId">the id chosen before sending, as stored on the message; null when the provider assigns it.</param>
    public OutboundDraft ToDraft(string to, string? providerMessageId) => new(to, Content, providerMessageId);

    public void MarkSent(Instant at, string? warning)
    {
        State = OutboxState.Sent;
        SentAt = at;
        LeaseUntil = null;
        NextAttemptAt = null;
        LastError = warning is null ? null : Trim(warning);
        LastErrorCode = null;
        Attempts++;
        Deferrals = 0;
    }

    /// <summary>
    /// The provider asked to wait: tried again at <paramref name="until"/> (never before
    /// <paramref name="at"/>, never more than <see cref="LongestDeferral"/> after it), with no attempt
    /// counted, so a rate limit never uses up the failures after which the message waits for the
    /// owner. The <see cref="MaxDeferrals"/>th deferral in a row leaves it for the owner instead.
    /// </summary>
    public void MarkDeferred(Instant at, Instant until, string reason)
    {
        Deferrals++;
        LeaseUntil = null;
        LastErrorCode = null;
        if (Deferrals >= MaxDeferrals)
        {
            State = OutboxState.Failed;
            NextAttemptAt = null;
            LastError = Trim($"The provider asked to wait {Deferrals} times in a row; it is left for you to Retry. Last: {reason}");
            return;
        }
        State = OutboxState.Deferred;
        NextAttemptAt = until < at ? at : until > at + LongestDeferral ? at + LongestDeferral : until;
        LastError = Trim(reason);
    }

    /// <summary>
    /// A failed attempt: retried after <see cref="Backoff.Queue"/>, or left for the owner (no
    /// <see cref="NextAttemptAt"/>) when <paramref name="permanent"/> or out of attempts.
    /// </summary>
    /// <param name="error">the provider's own words, shown to the owner.</param>
    /// <param name="permanent">it would fail the same way again: a broken rule, or the provider refused
    /// it for good (an SMTP 5xx: unknown recipient, message too large); only the owner's Retry, after a fix, sends it again.</param>
    public void MarkFailed(Instant at, string error, bool permanent)
    {
        Attempts++;
        Deferrals = 0;
        State = OutboxState.Failed;
        LastError = Trim(error);
        LastErrorCode = null;
        LeaseUntil = null;
        NextAttemptAt = permanent || Attempts >= MaxAttempts ? null : at + Backoff.Queue.After(Attempts);
    }

    /// <summary>The provider refused it for good: failed with its code and words, waiting for the owner's Retry.</summary>
    public void MarkRejected(Instant at, string? code, string words)
    {
        MarkFailed(at, words, permanent: true);
        LastErrorCode = code is { Length: > 64 } ? code[..64] : code;
    }

    /// <summary>Could not tell whether an interrupted send left: stays <see cref="OutboxState.Sending"/> and is asked about again later.</summary>
    public void PostponeCheck(Instant at, string error)
    {
        LastError = Trim(error);
        LeaseUntil = at + Backoff.Queue.After(Math.Max(1, Attempts));
    }

    public void Retry(Instant at)
    {
        if (State is not (OutboxState.Failed or OutboxState.Cancelled))
            throw new Core.DomainRuleException("outbox.retry.state", $"Only a failed or cancelled message can be sent again; this one is {State.ToString().ToLowerInvariant()}.");
        State = OutboxState.Queued;
        Attempts = 0;
        Deferrals = 0;
        NextAttemptAt = at;
        LastError = null;
        LastErrorCode = null;
    }

    public void Cancel()
    {
        if (State is not (OutboxState.Queued or OutboxState.Failed or OutboxState.Deferred))
            throw new Core.DomainRuleException("outbox.cancel.state", $"Only a message that has not left can be cancelled; this one is {State.ToString().ToLowerInvariant()}.");
        State = OutboxState.Cancelled;
        NextAttemptAt = null;
    }

    private static string Trim(string error) => error.Length > 2000 ? error[..2000] : error;
}

/// <summary>The outbound content document as it is stored: JSON, camelCase, enums by name.</summary>
internal static class OutboundContentJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(OutboundContent content) => JsonSerializer.Serialize(content, Options);

    public static OutboundContent Read(string json)
    {
        var content = JsonSerializer.Deserialize<OutboundContent>(json, Options)
            ?? throw new InvalidOperationException("An outbox entry has no content document.");
        // Written by a newer build (after a downgrade): reading it as today's shape could send something else.
        if (content.Version > OutboundContent.CurrentVersion)
            throw new InvalidOperationException($"The outbox content is version {content.Version}; this build reads up to {OutboundContent.CurrentVersion}.");
        return content;
    }
}

internal sealed class OutboxItemMapping : IEntityTypeConfiguration<OutboxItem>
{
    public void Configure(EntityTypeBuilder<OutboxItem> e)
    {
        e.ToTable("outbox");
        e.Property(o => o.Content).HasConversion(c => OutboundContentJson.Write(c), json => OutboundContentJson.Read(json),
            new ValueComparer<OutboundContent>((a, b) => OutboundContentJson.Write(a!) == OutboundContentJson.Write(b!),
                c => OutboundContentJson.Write(c).GetHashCode(StringComparison.Ordinal), c => c));
        e.Property(o => o.IdempotencyKey).HasMaxLength(200);
        e.Property(o => o.State).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        e.Property(o => o.LastError).HasMaxLength(2000);
        e.Property(o => o.LastErrorCode).HasMaxLength(64);
        e.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Channel>().WithMany().HasForeignKey(o => o.ChannelId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(o => o.MessageId).IsUnique();
        e.HasIndex(o => new { o.State, o.NextAttemptAt });
        // An automatic message is queued once per channel however often its rule runs; keys are null for a person's messages.
        e.HasIndex(o => new { o.ChannelId, o.IdempotencyKey }).IsUnique();
    }
}
