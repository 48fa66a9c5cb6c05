using Liaison.Core;
using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Messages;
using Liaison.Core.Promises;
using Liaison.Core.Workspaces;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>Where a stored promise stands: <see cref="PromiseStatus"/>, or closed because no answer was needed.</summary>
public enum PromiseState
{
    Open,
    Kept,
    Broken,
    /// <summary>Someone said the message needs no answer: neither kept nor broken.</summary>
    NoAnswerNeeded,
}

/// <summary>
/// The promise made for one live inbound message that needs an answer, stored when the message is
/// recorded (or placed with its client): the Core <see cref="Promise"/>'s terms — received, due,
/// urgency, the agreement and calendar versions — plus what happened to it since: the
/// acknowledgement sent for it, the reply that answered it, or that it was closed, snoozed or handed on.
/// </summary>
/// <remarks>
/// <para>A record in the Server next to its message rather than a Core entity: the value with its
/// rules is <see cref="Promise"/> (kept or broken is always <see cref="Promise.Evaluate"/> of what
/// is stored here, never a stored verdict); this is its bookkeeping, by ids, like the outbox entry.</para>
/// <para>Rules: its terms never change, except when a person marks it urgent
/// (<see cref="MarkUrgent"/>: due again under the same versions, with the urgent term). Answered
/// once; the first person's reply counts. A snooze ends when the client writes again in the same
/// conversation (<see cref="EndSnooze"/>) or when it runs out.</para>
/// </remarks>
public sealed class PromiseRecord
{
    private PromiseRecord() { }

    public PromiseRecord(Message message, Promise promise, UrgencyFinding urgency, Instant madeAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(urgency);
        if (message.ClientId is not { } clientId || message.ConversationId is not { } conversationId)
            throw new DomainRuleException("promise.message.unplaced", "A promise is made for a message placed with its client.", "messageId");
        MessageId = message.Id;
        ClientId = clientId;
        ConversationId = conversationId;
        ChannelId = message.ChannelId;
        ChannelKind = message.ChannelKind;
        ReceivedAt = promise.Received;
        DueAt = promise.Due;
        Urgency = promise.Urgency;
        UrgencyReason = urgency.Reason;
        UrgencyMarker = urgency.Marker;
        AgreementVersion = promise.AgreementVersion;
        CalendarVersion = promise.CalendarVersion;
        MadeAt = madeAt;
    }

    /// <param name="clientTimeZone">the client's zone under the agreement version it is counted in, for "14:30 Moscow".</param>
    /// <param name="language">the client's language under that version.</param>
    public PromiseRecord(Message message, Promise promise, UrgencyFinding urgency, string clientTimeZone, string language, Instant madeAt)
        : this(message, promise, urgency, madeAt)
    {
        ClientTimeZone = clientTimeZone;
        Language = language;
    }

    public long Id { get; private set; }
    /// <summary>The inbound message promised an answer; one promise per message.</summary>
    public long MessageId { get; private set; }
    public long ClientId { get; private set; }
    public long ConversationId { get; private set; }
    public long ChannelId { get; private set; }
    public ChannelKind ChannelKind { get; private set; }
    /// <summary>When the message arrived: the promise is counted from here.</summary>
    public Instant ReceivedAt { get; private set; }
    /// <summary>The instant by which it is answered (a reply at this instant keeps it).</summary>
    public Instant DueAt { get; private set; }
    public Urgency Urgency { get; private set; }
    public UrgencyReason UrgencyReason { get; private set; }
    /// <summary>The marker found in the text, for <see cref="Core.Promises.UrgencyReason.Marker"/>.</summary>
    public string? UrgencyMarker { get; private set; }
    /// <summary>The client's agreement version it was counted under (0: the template's start, not stored).</summary>
    public int AgreementVersion { get; private set; }
    /// <summary>The workspace calendar version it was counted under (0: the default, not stored).</summary>
    public int CalendarVersion { get; private set; }
    public Instant MadeAt { get; private set; }
    /// <summary>The client's zone (tzdb id) and language under <see cref="AgreementVersion"/>: the queue shows their local time and language without reading the agreement.</summary>
    public string ClientTimeZone { get; private set; } = "UTC";
    public string Language { get; private set; } = "en";

    /// <summary>The automatic acknowledgement sent for it ("received, the answer comes by …"), once one was queued.</summary>
    public long? AcknowledgementMessageId { get; private set; }

    /// <summary>When a person's reply in the conversation answered it, and which message that was.</summary>
    public Instant? AnsweredAt { get; private set; }
    public long? AnsweredByMessageId { get; private set; }

    /// <summary>When someone said the message needs no answer, and who.</summary>
    public Instant? ClosedAt { get; private set; }
    public long? ClosedByMemberId { get; private set; }

    /// <summary>Out of the queue until then (the next check window), unless the client writes again first.</summary>
    public Instant? SnoozedUntil { get; private set; }

    /// <summary>The team member it was handed to, and when; null while it is with whoever handles the client.</summary>
    public long? HandedToMemberId { get; private set; }
    public Instant? HandedAt { get; private set; }

    /// <summary>Neither answered nor closed: it waits in the queue (overdue ones too).</summary>
    public bool IsOpen => AnsweredAt is null && ClosedAt is null;

    /// <summary>The Core value these terms make.</summary>
    public Promise Terms => new(ReceivedAt, ChannelKind, Urgency, AgreementVersion, CalendarVersion, DueAt);

    /// <summary>Kept or broken from what is stored, at <paramref name="now"/>.</summary>
    public PromiseState StateAt(Instant now) => StateOf(ReceivedAt, ChannelKind, Urgency, AgreementVersion, CalendarVersion, DueAt, AnsweredAt, ClosedAt, now);

    /// <summary>The same for values read in a projection.</summary>
    public static PromiseState StateOf(Instant received, ChannelKind kind, Urgency urgency, int agreementVersion, int calendarVersion, Instant due,
        Instant? answeredAt, Instant? closedAt, Instant now)
    {
        if (closedAt is not null && answeredAt is null) return PromiseState.NoAnswerNeeded;
        return new Promise(received, kind, urgency, agreementVersion, calendarVersion, due).Evaluate(answeredAt, now) switch
        {
            PromiseStatus.Kept => PromiseState.Kept,
            PromiseStatus.Broken => PromiseState.Broken,
            _ => PromiseState.Open,
        };
    }

    /// <summary>A person's reply answered it; the first one counts.</summary>
    public void Answer(long messageId, Instant at)
    {
        if (AnsweredAt is not null) return;
        AnsweredAt = at;
        AnsweredByMessageId = messageId;
        SnoozedUntil = null;
    }

    /// <summary>The acknowledgement queued for it; one per promise.</summary>
    public void RecordAcknowledgement(long messageId)
    {
        if (AcknowledgementMessageId is { } sent && sent != messageId)
            throw new DomainConflictException("promise.acknowledgement.sent", $"Promise {Id} was already acknowledged by message {sent}.", "acknowledgementMessageId");
        AcknowledgementMessageId = messageId;
    }

    /// <summary>The message needs no answer: the promise leaves the queue and counts neither kept nor broken.</summary>
    public void CloseAsNoAnswerNeeded(long? memberId, Instant at)
    {
        if (AnsweredAt is not null)
            throw new DomainRuleException("promise.answered", "This message was answered already.", "promiseId");
        ClosedAt ??= at;
        ClosedByMemberId ??= memberId;
        SnoozedUntil = null;
    }

    /// <summary>Out of the queue until <paramref name="until"/>. The due instant does not move: a snooze is not a new promise.</summary>
    public void Snooze(Instant until, Instant now)
    {
        if (!IsOpen) throw new DomainRuleException("promise.closed", "Only a waiting message can be snoozed.", "promiseId");
        if (until <= now) throw new DomainRuleException("promise.snooze.past", "A snooze ends in the future.", "until");
        SnoozedUntil = until;
    }

    /// <summary>The client wrote again in the conversation: the promise is back in the queue.</summary>
    public void EndSnooze() => SnoozedUntil = null;

    public bool IsSnoozedAt(Instant now) => SnoozedUntil is { } until && until > now;

    /// <summary>Hands it to <paramref name="memberId"/>; the caller checked that the member may take the client's work (seed 001).</summary>
    public void HandTo(long memberId, Instant at)
    {
        if (!IsOpen) throw new DomainRuleException("promise.closed", "Only a waiting message can be handed on.", "promiseId");
        HandedToMemberId = memberId;
        HandedAt = at;
    }

    /// <summary>
    /// A person marked it urgent: due again from its arrival under the same versions with the urgent
    /// term (<paramref name="schedule"/> is compiled from them). Marking it normal again is refused: the
    /// client may already have been told the urgent deadline.
    /// </summary>
    public void MarkUrgent(PromiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!IsOpen) throw new DomainRuleException("promise.closed", "Only a waiting message can be made urgent.", "promiseId");
        if (Urgency == Urgency.Urgent) return;
        if (schedule.Agreement.Version != AgreementVersion || schedule.OurCalendar.Version != CalendarVersion)
            throw new InvalidOperationException($"Promise {Id} is counted under agreement {AgreementVersion} and calendar {CalendarVersion}, not {schedule.Agreement.Version} and {schedule.OurCalendar.Version}.");
        DueAt = schedule.DueFor(ReceivedAt, ChannelKind, Urgency.Urgent);
        Urgency = Urgency.Urgent;
        UrgencyReason = UrgencyReason.SetByPerson;
        UrgencyMarker = null;
    }

    /// <summary>Its message moved (contacts merged, an early reply's conversation joined): the promise follows.</summary>
    public void Follow(long clientId, long conversationId)
    {
        ClientId = clientId;
        ConversationId = conversationId;
    }
}

internal sealed class PromiseRecordMapping : IEntityTypeConfiguration<PromiseRecord>
{
    public void Configure(EntityTypeBuilder<PromiseRecord> e)
    {
        e.ToTable("promises");
        e.Property(p => p.Urgency).HasConversion<string>().HasMaxLength(16);
        e.Property(p => p.UrgencyReason).HasConversion<string>().HasMaxLength(32);
        e.Property(p => p.UrgencyMarker).HasMaxLength(UrgencyMarkers.MaxMarkerLength);
        e.Property(p => p.ClientTimeZone).HasMaxLength(64);
        e.Property(p => p.Language).HasMaxLength(8);
        e.HasOne<Message>().WithMany().HasForeignKey(p => p.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Client>().WithMany().HasForeignKey(p => p.ClientId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(p => p.HandedToMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(p => p.MessageId).IsUnique();
        // The queue: open promises by due.
        e.HasIndex(p => new { p.AnsweredAt, p.ClosedAt, p.DueAt });
        e.HasIndex(p => new { p.ClientId, p.ReceivedAt });
        e.HasIndex(p => p.ConversationId);
        e.HasIndex(p => p.AcknowledgementMessageId);
    }
}

public static class PromiseTables
{
    public static DbSet<PromiseRecord> Promises(this LiaisonDb db) => db.Set<PromiseRecord>();
}
