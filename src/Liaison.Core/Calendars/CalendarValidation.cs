using Liaison.Core.Agreements;
using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>The rules of <see cref="OurCalendar"/>, in the order a person filling the form meets them.</summary>
internal static class CalendarValidation
{
    /// <summary>More entries than any holiday calendar plus years of vacations; keeps the day-off set small.</summary>
    public const int MaxDaysOff = 1000;

    /// <summary>The longest single run of days off: a sabbatical year, not an open-ended "until 9999".</summary>
    public const int MaxDaysOffRunDays = 366;

    public const int MaxDayOffNameLength = 200;

    // Dates outside these years are typing mistakes (or attacks), never days off.
    private const int FirstDayOffYear = 1970;
    private const int LastDayOffYear = 2199;

    /// <summary>How far ahead a calendar must leave some working time for promises to be made.</summary>
    private const int WorkingTimeHorizonDays = 366;

    public static void Validate(OurCalendar c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Version < 0) throw new AgreementRuleException("calendar.version", "The version cannot be negative.", "version");
        var zone = AgreementValidation.RequireZone(c.TimeZone, "timeZone");
        c.WorkingHours.Validate("workingHours");
        if (!c.WorkingHours.HasAny)
            throw new AgreementRuleException("calendar.no-working-hours", "Give at least one day working hours, or no message could ever be answered.", "workingHours");
        ValidateDaysOff(c.DaysOff);
        ValidateCheckWindows(c.CheckWindows);
        // Every working day may be off (a yearly "1 Jan – 31 Dec", or runs of dated days off): then no
        // promise can be made and the preview would search in vain.
        if (!new WorkingCalendar(zone, c.WorkingHours, c.DaysOff).HasWorkingTimeWithin(c.EffectiveFrom, WorkingTimeHorizonDays))
            throw new AgreementRuleException("calendar.no-working-hours",
                $"The calendar leaves no working hours: the days off cover every working day of the year from {c.EffectiveFrom.InZone(zone).Date:uuuu-MM-dd}.",
                "daysOff");
    }

    private static void ValidateDaysOff(IReadOnlyList<DayOff> daysOff)
    {
        if (daysOff.Count > MaxDaysOff)
            throw new AgreementRuleException("daysOff.too-many", $"A calendar lists at most {MaxDaysOff} days off or runs of days off; this one has {daysOff.Count}. Remove past ones.", "daysOff");
        for (var i = 0; i < daysOff.Count; i++)
        {
            var off = daysOff[i];
            if (off.End is { } end && end < off.Start)
                throw new AgreementRuleException("daysOff.inverted", $"The days off from {off.Start:uuuu-MM-dd} end before they start ({end:uuuu-MM-dd}).", $"daysOff[{i}]");
            if (off.Start.Year < FirstDayOffYear || off.Last.Year > LastDayOffYear)
                throw new AgreementRuleException("daysOff.out-of-range", $"Days off fall between {FirstDayOffYear} and {LastDayOffYear}; {off.Start:uuuu-MM-dd} – {off.Last:uuuu-MM-dd} does not.", $"daysOff[{i}]");
            if (Period.Between(off.Start, off.Last, PeriodUnits.Days).Days + 1 > MaxDaysOffRunDays)
                throw new AgreementRuleException("daysOff.too-long", $"A run of days off is at most {MaxDaysOffRunDays} days; {off.Start:uuuu-MM-dd} – {off.Last:uuuu-MM-dd} is longer.", $"daysOff[{i}]");
            if (off.Name is { } name) AgreementValidation.RequireText(name, MaxDayOffNameLength, $"daysOff[{i}].name");
        }
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
}
