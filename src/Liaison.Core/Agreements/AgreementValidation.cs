using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>The rules of <see cref="Agreement"/>, in the order a person filling the form meets them.</summary>
internal static class AgreementValidation
{
    public const int MaxPreferredReasonLength = 500;

    public static void Validate(Agreement a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Version < 0) throw new AgreementRuleException("agreement.version", "The version cannot be negative.", "version");
        RequireZone(a.ClientTimeZone, "clientTimeZone");
        a.ContactHours.Validate("contactHours");
        if (a.Channels.PreferredReason is { } reason)
            RequireText(reason, MaxPreferredReasonLength, "channels.preferredReason");
        ValidateChannels(a.Channels);
        ValidateResponseTimes(a);
        ValidateReports(a.Reports);
        if (!Agreement.Languages.Contains(a.Language))
            throw new AgreementRuleException("agreement.language", $"The language '{a.Language}' is not one we write in; choose one of {string.Join(", ", Agreement.Languages)}.", "language");
        if (!Enum.IsDefined(a.Files)) throw new AgreementRuleException("agreement.files", "Unknown way of delivering files.", "files");
        if (!Enum.IsDefined(a.VoiceMessages)) throw new AgreementRuleException("agreement.voice", "Unknown voice-message policy.", "voiceMessages");
        (a.Acknowledgements ?? throw new AgreementRuleException("acknowledgements.missing", "Say when acknowledgements are sent, or leave the field out for the defaults.", "acknowledgements")).Validate();
    }

    /// <summary>Throws for an id tzdb does not know, suggesting close ids and cities.</summary>
    public static DateTimeZone RequireZone(string? id, string field)
    {
        if (!string.IsNullOrWhiteSpace(id) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone) return zone;
        var suggestions = string.IsNullOrWhiteSpace(id) ? [] : TimeZoneSearch.Suggest(id, 5);
        var hint = suggestions.Count == 0 ? "" : $" Did you mean {string.Join(", ", suggestions)}?";
        throw new AgreementRuleException("timezone.unknown", $"'{id}' is not a known time zone.{hint}", field, suggestions);
    }

    public static void RequireText(string text, int maxLength, string field)
    {
        if (text.Length > maxLength)
            throw new AgreementRuleException("text.too-long", $"This text is at most {maxLength} characters; it has {text.Length}.", field);
        if (text.Any(char.IsControl))
            throw new AgreementRuleException("text.control-character", "This text contains a control character (such as NUL or a line break); write it on one line.", field);
    }

    private static void ValidateChannels(ChannelTerms channels)
    {
        if (channels.Accepted.Count == 0)
            throw new AgreementRuleException("channels.none", "Accept at least one channel, or the client cannot reach us.", "channels.accepted");
        if (!channels.Accepted.Contains(channels.Preferred))
            throw new AgreementRuleException("channels.preferred-not-accepted", $"The preferred channel '{channels.Preferred}' is not among the accepted ones.", "channels.preferred");
    }

    private static void ValidateResponseTimes(Agreement a)
    {
        var seen = new HashSet<(ChannelKind?, Urgency)>();
        for (var i = 0; i < a.ResponseTimes.Count; i++)
        {
            var rule = a.ResponseTimes[i];
            if (rule.Within.Amount <= 0 || !Enum.IsDefined(rule.Within.Unit))
                throw new AgreementRuleException("responseTimes.not-positive", $"A response time must be a positive amount of working minutes, hours or days; got {rule.Within}.", $"responseTimes[{i}]");
            if (rule.Within.Amount > ResponseTime.MaxAmount(rule.Within.Unit))
                throw new AgreementRuleException("responseTimes.too-long",
                    $"A response time is at most {ResponseTime.MaxDays} days ({ResponseTime.MaxAmount(rule.Within.Unit)} {rule.Within.Unit}); got {rule.Within}.", $"responseTimes[{i}]");
            if (!seen.Add((rule.Channel, rule.Urgency)))
                throw new AgreementRuleException("responseTimes.duplicate", $"Two response times for {rule.Channel?.ToString() ?? "any channel"} ({rule.Urgency}).", $"responseTimes[{i}]");
        }
        // Can a message on an accepted channel be answered at all? (Whether our calendar leaves
        // working time is the calendar's rule.)
        foreach (var channel in a.Channels.Accepted)
            foreach (var urgency in (ReadOnlySpan<Urgency>)[Urgency.Normal, Urgency.Urgent])
            {
                if (a.ResponseRuleFor(channel, urgency) is null)
                    throw new AgreementRuleException("responseTimes.missing", $"No response time says how fast a {urgency.ToString().ToLowerInvariant()} message on {channel} is answered.", "responseTimes");
            }
    }

    private static void ValidateReports(ReportCadence reports)
    {
        if (reports.Frequency != ReportFrequency.None && reports.Times.Count == 0)
            throw new AgreementRuleException("reports.no-time", "Say at what time of day reports are sent.", "reports.times");
        if (reports.Frequency == ReportFrequency.Weekly && reports.Weekday is null)
            throw new AgreementRuleException("reports.no-weekday", "Say on which weekday the weekly report is sent.", "reports.weekday");
    }
}
