using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>
/// The working agreement with one client: what is about them. Their zone, when we may write to
/// them, where we talk, how fast we answer, how often they hear about progress, their language and
/// the responsible person. One value is one version. When we work (our zone, hours, days off, check
/// windows) is the workspace's <see cref="OurCalendar"/>, kept next to it.
/// </summary>
/// <remarks>
/// <para>Rules: a version is immutable. Changing the agreement makes a new version
/// (<see cref="AgreementHistory.Revise"/>) in force from its <see cref="EffectiveFrom"/>; a promise
/// keeps the terms of the version in force when its message arrived. <see cref="Validate"/> states
/// every other rule; a version that breaks one is never stored.</para>
/// <para>The client's zone is a tzdb id ("Europe/Sofia"); contact hours and report times are read in
/// <see cref="ClientTimeZone"/>.
/// Plain properties with public init so a version round-trips through JSON as it is; derived values
/// (resolved zones, range lengths) are internal so they do not leak into the stored document.</para>
/// </remarks>
public sealed record Agreement
{
    /// <summary>The languages the client can be written to in.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "pl", "ru", "bg"];

    /// <summary>1 for the first version, one more for each revision. 0 for a workspace template.</summary>
    public int Version { get; init; } = 1;
    public Instant EffectiveFrom { get; init; }

    /// <summary>The client's zone (tzdb id).</summary>
    public required string ClientTimeZone { get; init; }

    /// <summary>When we may write to the client, in their zone.</summary>
    public WeeklyHours ContactHours { get; init; } = WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 18, 0));
    /// <summary>24/7 duty where the contract requires it; empty for none.</summary>
    public IReadOnlyList<RoundTheClockDuty> RoundTheClock { get; init; } = [];

    public ChannelTerms Channels { get; init; } = new([ChannelKind.Email, ChannelKind.Telegram, ChannelKind.Phone], ChannelKind.Email);
    public IReadOnlyList<ResponseRule> ResponseTimes { get; init; } = ResponseRule.Defaults;
    public ReportCadence Reports { get; init; } = ReportCadence.None;

    /// <summary>The client's language: one of <see cref="Languages"/>.</summary>
    public string Language { get; init; } = "en";
    public FileDelivery Files { get; init; } = FileDelivery.Attachment;
    public VoiceMessagePolicy VoiceMessages { get; init; } = VoiceMessagePolicy.AskForWrittenSummary;
    /// <summary>"I" or "we" in every text the client reads; stored agreements without it speak as "I", as their acknowledgements did.</summary>
    public SpeakingAs SpeakingAs { get; init; } = SpeakingAs.I;
    /// <summary>The member who accepts tasks from the client.</summary>
    public long ResponsibleMemberId { get; init; }
    /// <summary>When the client gets the automatic acknowledgement; stored agreements without it take the defaults.</summary>
    public AcknowledgementTerms Acknowledgements { get; init; } = AcknowledgementTerms.Default;

    /// <summary>
    /// The first version of a client's agreement, started from a workspace template: the template's
    /// terms with the client's zone, language and responsible person.
    /// </summary>
    public static Agreement StartFrom(Agreement template, string clientTimeZone, string language, long responsibleMemberId, Instant effectiveFrom)
    {
        ArgumentNullException.ThrowIfNull(template);
        var first = template with
        {
            Version = 1,
            EffectiveFrom = effectiveFrom,
            ClientTimeZone = clientTimeZone,
            Language = language,
            ResponsibleMemberId = responsibleMemberId,
        };
        first.Validate();
        return first;
    }

    /// <summary>The client's zone, resolved; the agreement must be valid.</summary>
    internal DateTimeZone ClientZone => DateTimeZoneProviders.Tzdb[ClientTimeZone];

    /// <summary>True when 24/7 duty covers messages of this channel kind and urgency.</summary>
    public bool IsRoundTheClock(ChannelKind channel, Urgency urgency)
    {
        foreach (var duty in RoundTheClock)
            if (duty.Covers(channel, urgency)) return true;
        return false;
    }

    /// <summary>The response rule for a channel kind and urgency: one naming the kind, else one for any kind.</summary>
    public ResponseRule? ResponseRuleFor(ChannelKind channel, Urgency urgency)
    {
        ResponseRule? any = null;
        foreach (var rule in ResponseTimes)
        {
            if (!rule.AppliesTo(channel, urgency)) continue;
            if (rule.Channel is not null) return rule;
            any ??= rule;
        }
        return any;
    }

    /// <summary>Checks every rule and throws <see cref="AgreementRuleException"/> naming the first field that breaks one.</summary>
    public void Validate() => AgreementValidation.Validate(this);
}
