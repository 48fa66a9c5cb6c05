using Liaison.Core.Agreements;
using Liaison.Core.Channels;

namespace Liaison.Core.Promises;

/// <summary>Why a message is urgent. Stored as its name.</summary>
public enum UrgencyReason
{
    /// <summary>Nothing made it urgent: a normal message.</summary>
    None,
    /// <summary>The contract requires 24/7 duty for its channel kind.</summary>
    RoundTheClockDuty,
    /// <summary>The contact who wrote it is marked as a VIP.</summary>
    VipSender,
    /// <summary>Its text says so in the client's language (<see cref="UrgencyMarkers"/>).</summary>
    Marker,
    /// <summary>The sender's program marked it urgent (an e-mail's Importance, X-Priority or Priority header).</summary>
    SenderMarkedUrgent,
    /// <summary>The owner or a team member set it by hand.</summary>
    SetByPerson,
}

/// <summary>How urgent a message is and why; <see cref="Marker"/> is the marker found, for <see cref="UrgencyReason.Marker"/>.</summary>
public sealed record UrgencyFinding(Urgency Urgency, UrgencyReason Reason, string? Marker = null)
{
    public static UrgencyFinding Normal { get; } = new(Urgency.Normal, UrgencyReason.None);
}

/// <summary>
/// Decides whether an inbound message is urgent. Urgent is the only thing that interrupts: 24/7
/// duty for its channel kind, a VIP sender, a marker in the client's language (or in English, which
/// clients of every language use: "ASAP"), or the sender's own "urgent" flag. The first of these, in
/// that order, is the reason given.
/// </summary>
public static class PromiseUrgency
{
    public static UrgencyFinding Assess(Agreement agreement, ChannelKind channel, bool vipSender, bool senderMarkedUrgent, string? text, UrgencyMarkers markers)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(markers);
        // Duty for normal messages of the kind means someone answers every message there at once.
        if (agreement.IsRoundTheClock(channel, Urgency.Normal)) return new(Urgency.Urgent, UrgencyReason.RoundTheClockDuty);
        if (vipSender) return new(Urgency.Urgent, UrgencyReason.VipSender);
        if (markers.FindIn(text, agreement.Language, "en") is { } marker) return new(Urgency.Urgent, UrgencyReason.Marker, marker);
        if (senderMarkedUrgent) return new(Urgency.Urgent, UrgencyReason.SenderMarkedUrgent);
        return UrgencyFinding.Normal;
    }
}
