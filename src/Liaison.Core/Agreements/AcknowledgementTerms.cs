using Liaison.Core.Channels;

namespace Liaison.Core.Agreements;

/// <summary>
/// When the automatic acknowledgement goes to this client: on or off for the client and per channel
/// kind, how far away a promise must be before it is worth one, and the limits that keep it from
/// becoming noise.
/// </summary>
/// <remarks>
/// Rules: an acknowledgement is sent when the message arrives outside our working hours, or when its
/// promise is more than <see cref="ThresholdMinutes"/> away (0: always). At most one per conversation
/// within <see cref="ConversationPeriodMinutes"/> and at most <see cref="MaxPerSenderPerDay"/> to one
/// sender in 24 hours. <see cref="DelayMinutes"/> waits before sending, so a reply written meanwhile
/// makes it unnecessary (no acknowledgement once a person has replied).
/// </remarks>
public sealed record AcknowledgementTerms
{
    /// <summary>Whether this client gets acknowledgements at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Channel kinds on which this client gets none (a phone call is acknowledged by the person taking it).</summary>
    public IReadOnlyList<ChannelKind> OffOn { get; init; } = [];

    /// <summary>Within working hours, a promise at most this many minutes away is not acknowledged: the answer itself comes soon.</summary>
    public int ThresholdMinutes { get; init; } = 120;

    /// <summary>Minutes to wait after the message before acknowledging it; 0 sends at once.</summary>
    public int DelayMinutes { get; init; }

    /// <summary>After one acknowledgement in a conversation, none other there for this many minutes.</summary>
    public int ConversationPeriodMinutes { get; init; } = 12 * 60;

    /// <summary>The most acknowledgements one sender gets in 24 hours.</summary>
    public int MaxPerSenderPerDay { get; init; } = 3;

    public static AcknowledgementTerms Default { get; } = new();

    /// <summary>Whether messages of this channel kind are acknowledged at all.</summary>
    public bool AppliesTo(ChannelKind channel) => Enabled && !OffOn.Contains(channel);

    public const int MaxThresholdMinutes = 90 * 24 * 60;
    public const int MaxDelayMinutes = 24 * 60;
    public const int MaxConversationPeriodMinutes = 30 * 24 * 60;
    public const int MaxPerSenderLimit = 100;

    internal void Validate()
    {
        if (ThresholdMinutes is < 0 or > MaxThresholdMinutes)
            throw new AgreementRuleException("acknowledgements.threshold", $"The threshold is 0 to {MaxThresholdMinutes} minutes (90 days); got {ThresholdMinutes}.", "acknowledgements.thresholdMinutes");
        if (DelayMinutes is < 0 or > MaxDelayMinutes)
            throw new AgreementRuleException("acknowledgements.delay", $"The wait before acknowledging is 0 to {MaxDelayMinutes} minutes (a day); got {DelayMinutes}.", "acknowledgements.delayMinutes");
        if (ConversationPeriodMinutes is < 0 or > MaxConversationPeriodMinutes)
            throw new AgreementRuleException("acknowledgements.period", $"The period between acknowledgements in one conversation is 0 to {MaxConversationPeriodMinutes} minutes (30 days); got {ConversationPeriodMinutes}.", "acknowledgements.conversationPeriodMinutes");
        if (MaxPerSenderPerDay is < 1 or > MaxPerSenderLimit)
            throw new AgreementRuleException("acknowledgements.cap", $"A sender gets 1 to {MaxPerSenderLimit} acknowledgements a day; got {MaxPerSenderPerDay}. Switch them off instead of setting 0.", "acknowledgements.maxPerSenderPerDay");
        if (OffOn.Distinct().Count() != OffOn.Count)
            throw new AgreementRuleException("acknowledgements.off.duplicate", "A channel kind is named twice among those without acknowledgements.", "acknowledgements.offOn");
    }
}
