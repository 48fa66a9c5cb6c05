using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>The rules of <see cref="Agreement"/>, in the order a person filling the form meets them.</summary>
internal static class AgreementValidation
{
    /// <summary>More entries than any holiday calendar plus years of vacations; keeps the day-off set small.</summary>
    public const int MaxDaysOff = 1000;

    /// <summary>The longest single run of days off: a sabbatical year, not an open-ended "until 9999".</summary>
    public const int MaxDaysOffRunDays = 366;

    public const int MaxDayOffNameLength = 200;
    public const int MaxPreferredReasonLength = 500;

    // Dates outside these years are typing mistakes (or attacks), never days off.
    private const int FirstDayOffYear = 1970;
    private const int LastDayOffYear = 2199;

    /// <summary>How far ahead an agreement must leave some working time for promises to be made.</summary>
    private const int WorkingTimeHorizonDays = 366;

    public static void Validate(Agreement a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Version < 0) throw new AgreementRuleException("agreement.version", "The version cannot be negative.", "version");
        RequireZone(a.OurTimeZone, "ourTimeZone");
        RequireZone(a.ClientTimeZone, "clientTimeZone");
        a.WorkingHours.Validate("workingHours");
        a.ContactHours.Validate("contactHours");
        ValidateDaysOff(a.DaysOff);
        if (a.Channels.PreferredReason is { } reason)
            RequireText(reason, MaxPreferredReasonLength, "channels.preferredReason");
        ValidateCheckWindows(a.CheckWindows);
        ValidateChannels(a.Channels);
        ValidateResponseTimes(a);
        ValidateReports(a.Reports);
        if (!Agreement.Languages.Contains(a.Language))
            throw new AgreementRuleException("agreement.language", $"The language '{a.Language}' is not one we write in; choose one of {string.Join(", ", Agreement.Languages)}.", "language");
        if (!Enum.IsDefined(a.Files)) throw new AgreementRuleException("agreement.files", "Unknown way of delivering files.", "files");
        if (!Enum.IsDefined(a.VoiceMessages)) throw new AgreementRuleException("agreement.voice", "Unknown voice-message policy.", "voiceMessages");
    }

    /// <summary>Throws for an id tzdb does not know, suggesting close ids and cities.</summary>
    public static DateTimeZone RequireZone(string? id, string field)
    {
        if (!string.IsNullOrWhiteSpace(id) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone) return zone;
        var suggestions = string.IsNullOrWhiteSpace(id) ? [] : TimeZoneSearch.Suggest(id, 5);
        var hint = suggestions.Count == 0 ? "" : $" Did you mean {string.Join(", ", suggestions)}?";
        throw new AgreementRuleException("timezone.unknown", $"'{id}' is not a known time zone.{hint}", field, suggestions);
    }

    private static void ValidateDaysOff(IReadOnlyList<DayOff> daysOff)
    {
        if (daysOff.Count > MaxDaysOff)
            throw new AgreementRuleException("daysOff.too-many", $"An agreement lists at most {MaxDaysOff} days off or runs of days off; this one has {daysOff.Count}. Remove past ones.", "daysOff");
        for (var i = 0; i < daysOff.Count; i++)
        {
            var off = daysOff[i];
            if (off.End is { } end && end < off.Start)
                throw new AgreementRuleException("daysOff.inverted", $"The days off from {off.Start:uuuu-MM-dd} end before they start ({end:uuuu-MM-dd}).", $"daysOff[{i}]");
            if (off.Start.Year < FirstDayOffYear || off.Last.Year > LastDayOffYear)
                throw new AgreementRuleException("daysOff.out-of-range", $"Days off fall between {FirstDayOffYear} and {LastDayOffYear}; {off.Start:uuuu-MM-dd} – {off.Last:uuuu-MM-dd} does not.", $"daysOff[{i}]");
            if (Period.Between(off.Start, off.Last, PeriodUnits.Days).Days + 1 > MaxDaysOffRunDays)
                throw new AgreementRuleException("daysOff.too-long", $"A run of days off is at most {MaxDaysOffRunDays} days; {off.Start:uuuu-MM-dd} – {off.Last:uuuu-MM-dd} is longer.", $"daysOff[{i}]");
            if (off.Name is { } name) RequireText(name, MaxDayOffNameLength, $"daysOff[{i}].name");
        }
    }

    private static void RequireText(string text, int maxLength, string field)
    {
        if (text.Length > maxLength)
            throw new AgreementRuleException("text.too-long", $"This text is at most {maxLength} characters; it has {text.Length}.", field);
        if (text.Any(char.IsControl))
            throw new AgreementRuleException("text.control-character", "This text contains a control character (such as NUL or a line break); write it on one line.", field);
    }

    // Every working day may be off (a yearly "1 Jan – 31 Dec", or runs of dated days off): then no
    // promise can be made and the preview would search in vain.
    private static void RequireWorkingTimeAhead(Agreement a)
    {
        var calendar = new WorkingCalendar(a.OurZone, a.WorkingHours, a.DaysOff);
        if (!calendar.HasWorkingTimeWithin(a.EffectiveFrom, WorkingTimeHorizonDays))
            throw new AgreementRuleException("agreement.no-working-hours",
                $"The agreement leaves no working hours: the days off cover every working day of the year from {a.EffectiveFrom.InZone(a.OurZone).Date:uuuu-MM-dd}.",
                "daysOff");
    }

    private static void ValidateCheckWindows(CheckWindows windows)
    {
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            var times = windows.For(d);
            for (var i = 0; i < times.Count; i++)
                for (var j = i + 1; j < times.Count; j++)
                    if (times[i] == times[j])
                        throw new AgreementRuleException("checkWindows.duplicate", $"The check window {times[i]:HH:mm} is listed twice on {d}.", $"checkWindows.{WeeklyHours.DayName(d)}");
        }
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
        // Can a message on an accepted channel be answered at all?
        var needsWorkingTime = false;
        foreach (var channel in a.Channels.Accepted)
            foreach (var urgency in (ReadOnlySpan<Urgency>)[Urgency.Normal, Urgency.Urgent])
            {
                if (a.ResponseRuleFor(channel, urgency) is null)
                    throw new AgreementRuleException("responseTimes.missing", $"No response time says how fast a {urgency.ToString().ToLowerInvariant()} message on {channel} is answered.", "responseTimes");
                if (a.IsRoundTheClock(channel, urgency)) continue;
                needsWorkingTime = true;
                if (!a.WorkingHours.HasAny)
                    throw new AgreementRuleException("agreement.never-answers",
                        $"This agreement can never answer a {urgency.ToString().ToLowerInvariant()} message on {channel}: there are no working hours on any day and no 24/7 duty covers it.",
                        "workingHours");
            }
        if (needsWorkingTime) RequireWorkingTimeAhead(a);
    }

    private static void ValidateReports(ReportCadence reports)
    {
        if (reports.Frequency != ReportFrequency.None && reports.Times.Count == 0)
            throw new AgreementRuleException("reports.no-time", "Say at what time of day reports are sent.", "reports.times");
        if (reports.Frequency == ReportFrequency.Weekly && reports.Weekday is null)
            throw new AgreementRuleException("reports.no-weekday", "Say on which weekday the weekly report is sent.", "reports.weekday");
    }
}
