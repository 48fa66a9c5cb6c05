using Liaison.Core.Channels;

namespace Liaison.Core.Agreements;

/// <summary>
/// The response promise for messages of one channel kind (or any kind) and one urgency.
/// </summary>
/// <remarks>
/// Rules: <see cref="Channel"/> null means any channel kind. For a message, a rule naming its channel
/// kind wins over a rule for any kind; at most one rule per (channel kind, urgency).
/// </remarks>
public sealed record ResponseRule(ChannelKind? Channel, Urgency Urgency, ResponseTime Within)
{
    /// <summary>
    /// The defaults: e-mail 1.5 working days, messengers 4 working hours, anything urgent 1 working
    /// hour, other kinds (phone, pasted notes) 1 working day.
    /// </summary>
    public static IReadOnlyList<ResponseRule> Defaults { get; } =
    [
        new(null, Urgency.Urgent, ResponseTime.Hours(1)),
        new(ChannelKind.Email, Urgency.Normal, ResponseTime.Days(1.5m)),
        new(ChannelKind.Telegram, Urgency.Normal, ResponseTime.Hours(4)),
        new(ChannelKind.WhatsApp, Urgency.Normal, ResponseTime.Hours(4)),
        new(ChannelKind.Viber, Urgency.Normal, ResponseTime.Hours(4)),
        new(ChannelKind.Messenger, Urgency.Normal, ResponseTime.Hours(4)),
        new(null, Urgency.Normal, ResponseTime.Days(1)),
    ];

    /// <summary>True when this rule applies to the channel kind and urgency.</summary>
    public bool AppliesTo(ChannelKind channel, Urgency urgency) =>
        Urgency == urgency && (Channel is null || Channel.Value == channel);
}

/// <summary>
/// 24/7 duty required by the contract for one channel kind (or any) and one urgency (or any): such
/// messages are promised in elapsed hours, not working hours, and are not held for a check window.
/// </summary>
public sealed record RoundTheClockDuty(ChannelKind? Channel, Urgency? Urgency)
{
    /// <summary>True when this duty covers the channel kind and urgency.</summary>
    public bool Covers(ChannelKind channel, Urgency urgency) =>
        (Channel is null || Channel.Value == channel) && (Urgency is null || Urgency.Value == urgency);
}
