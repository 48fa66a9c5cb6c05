using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Promises;
using NodaTime;

namespace Liaison.Core.Acknowledgements;

/// <summary>What to do about the acknowledgement of one promise.</summary>
public enum AcknowledgementAction
{
    /// <summary>Send it now.</summary>
    Send,
    /// <summary>Ask again at <see cref="AcknowledgementDecision.At"/> (the agreement waits before acknowledging).</summary>
    Wait,
    /// <summary>Never: <see cref="AcknowledgementDecision.Reason"/> says why.</summary>
    Skip,
}

/// <summary>Why an acknowledgement is sent, waits or is skipped. Stored as its name.</summary>
public enum AcknowledgementReason
{
    // Sent (or waiting to be):
    OutsideWorkingHours,
    LaterThanThreshold,
    // Skipped:
    AnswerComesSoon,
    SwitchedOffForClient,
    SwitchedOffForChannel,
    Backfill,
    Automated,
    AutoReply,
    MailingList,
    Bounce,
    NoReplySender,
    EmptyReturnPath,
    OwnAddress,
    AlreadyAcknowledged,
    PersonReplied,
    ConversationAcknowledgedRecently,
    SenderCapReached,
    PromiseDue,
    /// <summary>The message is no longer with a client (moved back to the unknown senders).</summary>
    NoClient,
    /// <summary>Someone said the message needs no answer (or it has no promise).</summary>
    NoAnswerNeeded,
}

/// <summary>A decision: send now, wait until <see cref="At"/>, or skip, with the reason.</summary>
public sealed record AcknowledgementDecision(AcknowledgementAction Action, AcknowledgementReason Reason, Instant? At = null)
{
    public static AcknowledgementDecision Skip(AcknowledgementReason reason) => new(AcknowledgementAction.Skip, reason);
}

/// <summary>An acknowledgement already sent (or queued), as the limits count them.</summary>
public readonly record struct PastAcknowledgement(Instant At, long ConversationId, string Sender);

/// <summary>
/// What is known about the message a promise is for, its sender and what happened since.
/// </summary>
/// <param name="Sender">the sender's normalised address on the channel.</param>
/// <param name="Signs">what the channel saw that says a machine sent it.</param>
/// <param name="FromOurselves">the sender is one of our own addresses (another of our mailboxes, a colleague's Liaison).</param>
/// <param name="PersonReplied">a person of ours has written in the conversation since the message.</param>
/// <param name="AlreadyAcknowledged">this promise has its acknowledgement.</param>
/// <param name="Recent">acknowledgements of the last days, to the client's conversations and senders.</param>
public sealed record AcknowledgementFacts(
    Promise Promise,
    ChannelKind Channel,
    long ConversationId,
    string Sender,
    string? Subject,
    string Text,
    AutomationSigns Signs = AutomationSigns.None,
    bool IsBackfill = false,
    bool FromOurselves = false,
    bool PersonReplied = false,
    bool AlreadyAcknowledged = false,
    IReadOnlyList<PastAcknowledgement>? Recent = null);

/// <summary>
/// Decides the automatic acknowledgement of one promise: "received, the answer comes by …". No I/O:
/// the caller gathers the facts and asks again when a decision says to wait.
/// </summary>
/// <remarks>
/// <para>Never to a machine: an auto-reply (by the channel's signs or by its words in en/pl/ru/bg,
/// <see cref="AutoReplyMarkers"/>), a mailing list, a bounce, a message without a return path, a
/// noreply sender, or one of our own addresses — two systems that acknowledge each other would
/// otherwise write for ever. Never for history recorded after the fact, never when a person already
/// replied, at most one per promise, one per conversation per period and a few per sender a day.</para>
/// <para>Sent when it tells the client something: the message arrived outside our working hours, or
/// the promise is further away than the agreement's threshold. Otherwise the answer itself comes
/// soon and an acknowledgement would only be noise.</para>
/// </remarks>
public static class AcknowledgementPolicy
{
    private static readonly Duration Day = Duration.FromDays(1);

    /// <summary>The decision at <paramref name="now"/> under <paramref name="agreement"/> and our working calendar.</summary>
    public static AcknowledgementDecision Decide(AcknowledgementFacts facts, Agreement agreement, WorkingCalendar ourHours, Instant now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(ourHours);
        var terms = agreement.Acknowledgements ?? AcknowledgementTerms.Default;
        if (facts.IsBackfill) return AcknowledgementDecision.Skip(AcknowledgementReason.Backfill);
        if (MachineReason(facts) is { } machine) return AcknowledgementDecision.Skip(machine);
        if (!terms.Enabled) return AcknowledgementDecision.Skip(AcknowledgementReason.SwitchedOffForClient);
        if (!terms.AppliesTo(facts.Channel)) return AcknowledgementDecision.Skip(AcknowledgementReason.SwitchedOffForChannel);
        if (facts.AlreadyAcknowledged) return AcknowledgementDecision.Skip(AcknowledgementReason.AlreadyAcknowledged);
        if (facts.PersonReplied) return AcknowledgementDecision.Skip(AcknowledgementReason.PersonReplied);

        var promise = facts.Promise;
        if (now >= promise.Due) return AcknowledgementDecision.Skip(AcknowledgementReason.PromiseDue);
        AcknowledgementReason why;
        if (!ourHours.IsWorking(promise.Received)) why = AcknowledgementReason.OutsideWorkingHours;
        else if (promise.Due - promise.Received > Duration.FromMinutes(terms.ThresholdMinutes)) why = AcknowledgementReason.LaterThanThreshold;
        else return AcknowledgementDecision.Skip(AcknowledgementReason.AnswerComesSoon);

        var recent = facts.Recent ?? [];
        var period = Duration.FromMinutes(terms.ConversationPeriodMinutes);
        if (period > Duration.Zero && recent.Any(r => r.ConversationId == facts.ConversationId && now - r.At < period))
            return AcknowledgementDecision.Skip(AcknowledgementReason.ConversationAcknowledgedRecently);
        if (recent.Count(r => string.Equals(r.Sender, facts.Sender, StringComparison.Ordinal) && now - r.At < Day) >= terms.MaxPerSenderPerDay)
            return AcknowledgementDecision.Skip(AcknowledgementReason.SenderCapReached);

        var sendAt = promise.Received + Duration.FromMinutes(terms.DelayMinutes);
        return sendAt > now
            ? new AcknowledgementDecision(AcknowledgementAction.Wait, why, sendAt)
            : new AcknowledgementDecision(AcknowledgementAction.Send, why);
    }

    private static AcknowledgementReason? MachineReason(AcknowledgementFacts facts)
    {
        var signs = facts.Signs;
        if (facts.FromOurselves) return AcknowledgementReason.OwnAddress;
        if (signs.HasFlag(AutomationSigns.EmptyReturnPath)) return AcknowledgementReason.EmptyReturnPath;
        if (signs.HasFlag(AutomationSigns.Bounce)) return AcknowledgementReason.Bounce;
        if (signs.HasFlag(AutomationSigns.AutoReply)) return AcknowledgementReason.AutoReply;
        if (signs.HasFlag(AutomationSigns.MailingList)) return AcknowledgementReason.MailingList;
        if (signs.HasFlag(AutomationSigns.NoReplySender) || AutoReplyMarkers.IsNoReplyAddress(facts.Sender)) return AcknowledgementReason.NoReplySender;
        if (signs != AutomationSigns.None) return AcknowledgementReason.Automated;
        if (AutoReplyMarkers.LooksAutomatic(facts.Subject, facts.Text)) return AcknowledgementReason.AutoReply;
        return null;
    }
}
