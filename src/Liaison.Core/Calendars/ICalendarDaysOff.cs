using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;
using Liaison.Core.Agreements;
using NodaTime;
using Period = NodaTime.Period;

namespace Liaison.Core.Calendars;

/// <summary>
/// Reads days off from iCalendar text (a holiday calendar, an exported vacation calendar). Fetching a
/// URL is the server's job; this only parses text.
/// </summary>
/// <remarks>
/// Each VEVENT becomes the dates it covers: an all-day event its DTSTART up to (not including) its
/// DTEND, a timed event every date it touches. Recurring events (RRULE, such as a yearly holiday)
/// are expanded to their occurrences within the window asked for, so the stored agreement holds plain
/// dates. The event's SUMMARY becomes the day off's name.
/// <para>Cancelled events (STATUS:CANCELLED) are not days off; neither are instances removed by
/// EXDATE or overridden by a RECURRENCE-ID instance (which counts in its own right unless it is
/// cancelled itself).</para>
/// <para>The file is hostile until read: the text is capped at <see cref="MaxTextLength"/>, a rule
/// that started long before the window is moved forward to it instead of being walked from its start
/// (FREQ=SECONDLY from 1900 would take days), the occurrences looked at are capped at
/// <see cref="MaxOccurrences"/> for the whole file, and the caller's cancellation is honoured between
/// occurrences.</para>
/// </remarks>
public static class ICalendarDaysOff
{
    /// <summary>The longest iCalendar text read: a national holiday calendar for decades is ~100 KB.</summary>
    public const int MaxTextLength = 1024 * 1024;

    /// <summary>Occurrences looked at over the whole file; what lies beyond is not expanded.</summary>
    public const int MaxOccurrences = 20_000;

    // Ical.Net gives up on a rule whose BY parts match nothing (FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=31)
    // after this many empty steps instead of stepping for ever.
    private const int MaxUnmatchedIncrements = 10_000;

    private const string Field = "daysOff.calendar";

    /// <summary>
    /// Parses <paramref name="icsText"/> and returns the days off that fall within
    /// <paramref name="window"/>. Throws <see cref="AgreementRuleException"/> (field "daysOff.calendar")
    /// for text that is not a valid iCalendar, is longer than <see cref="MaxTextLength"/>, or holds an
    /// event without a start.
    /// </summary>
    public static IReadOnlyList<DayOff> Parse(string icsText, DateInterval window, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (string.IsNullOrWhiteSpace(icsText) || !icsText.TrimStart().StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
            throw new AgreementRuleException("ical.malformed", "This is not an iCalendar file: it does not begin with BEGIN:VCALENDAR.", Field);
        if (icsText.Length > MaxTextLength)
            throw new AgreementRuleException("ical.too-large", $"An iCalendar file is at most {MaxTextLength / 1024} KB; export only the calendar of days off.", Field);
        Calendar? calendar;
        try
        {
            // A NUL makes Ical.Net refuse the whole line; it has no meaning in a calendar anyway.
            calendar = Calendar.Load(icsText.Replace("\0", "", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new AgreementRuleException("ical.malformed", $"The iCalendar file cannot be read: {ex.Message}", Field);
        }
        if (calendar is null)
            throw new AgreementRuleException("ical.malformed", "The iCalendar file holds no calendar.", Field);
        cancellation.ThrowIfCancellationRequested();

        // Instances replaced by a RECURRENCE-ID event (moved or cancelled) are left out of the series.
        var replaced = new HashSet<(string Uid, LocalDate Date)>();
        foreach (var evt in calendar.Events)
            if (evt.RecurrenceIdentifier?.StartTime is { } original && evt.Uid is { } uid)
                replaced.Add((uid, new LocalDate(original.Year, original.Month, original.Day)));

        var result = new HashSet<DayOff>();
        var budget = MaxOccurrences;
        var options = new EvaluationOptions { MaxUnmatchedIncrementsLimit = MaxUnmatchedIncrements };
        foreach (var evt in calendar.Events)
        {
            if (evt.DtStart is null)
                throw new AgreementRuleException("ical.malformed", $"The event '{evt.Summary}' has no valid start date (DTSTART).", Field);
            if (string.Equals(evt.Status, EventStatus.Cancelled, StringComparison.OrdinalIgnoreCase)) continue;
            if (budget <= 0) break;
            var name = Name(evt.Summary);
            // BYSETPOS makes Ical.Net hold a whole period's set in memory at once; times of day
            // expanded second by second make that set millions long (a year of seconds), uncancellable.
            if (evt.RecurrenceRule is { BySetPosition.Count: > 0 } positioned &&
                (long)Math.Max(1, positioned.BySecond.Count) * Math.Max(1, positioned.ByMinute.Count) * Math.Max(1, positioned.ByHour.Count) > 24)
                throw new AgreementRuleException("ical.too-complex", $"The event '{evt.Summary}' repeats by set position over minutes or seconds; such a rule cannot be a day off.", Field);
            var isSeries = evt.RecurrenceIdentifier is null && (evt.RecurrenceRule is not null || evt.RecurrenceDates.GetAllPeriods().Any());
            if (isSeries) MoveStartTowards(evt, window.Start);
            try
            {
                foreach (var occurrence in evt.GetOccurrences(null, options))
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (--budget < 0) break;
                    var start = occurrence.Period.StartTime;
                    var first = new LocalDate(start.Year, start.Month, start.Day);
                    if (first > window.End) break;
                    var last = LastDate(first, start.HasTime, occurrence.Period.EffectiveEndTime);
                    if (last < window.Start) continue;
                    if (isSeries && evt.Uid is { } uid && replaced.Contains((uid, first))) continue;
                    result.Add(new DayOff(first, last == first ? null : last, name));
                }
            }
            catch (EvaluationLimitExceededException)
            {
                // A rule that matches (almost) nothing: what it yielded so far is kept.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
            {
                throw new AgreementRuleException("ical.malformed", $"The event '{evt.Summary}' cannot be expanded: {ex.Message}", Field);
            }
        }
        return result.OrderBy(d => d.Start).ThenBy(d => d.End).ToList();
    }

    /// <summary>
    /// Moves the start of an open-ended series (no COUNT, so skipping occurrences changes nothing)
    /// forward by whole steps of its rule, to shortly before <paramref name="target"/>: Ical.Net would
    /// otherwise walk every occurrence since DTSTART, a second at a time for FREQ=SECONDLY.
    /// </summary>
    private static void MoveStartTowards(CalendarEvent evt, LocalDate target)
    {
#pragma warning disable CS0618 // several RRULEs, or an EXRULE, would each need their own steps: left as they are
        if (evt.RecurrenceRules.Count != 1 || evt.ExceptionRules.Count > 0) return;
#pragma warning restore CS0618
        if (evt.RecurrenceRule is not { Count: null } rule || evt.RecurrenceDates.GetAllPeriods().Any()) return;
        var dtStart = evt.DtStart!;
        var start = new LocalDateTime(dtStart.Year, dtStart.Month, dtStart.Day, dtStart.Hour, dtStart.Minute, dtStart.Second);
        var dtEnd = evt.DtEnd;
        var length = dtEnd is null ? 0L
            : Math.Max(0L, Period.Between(start, new LocalDateTime(dtEnd.Year, dtEnd.Month, dtEnd.Day, dtEnd.Hour, dtEnd.Minute, dtEnd.Second), PeriodUnits.Seconds).Seconds);
        var interval = Math.Max(1, rule.Interval);
        Func<CalDateTime, CalDateTime>? shift = null;
        if (rule.Frequency is FrequencyType.Secondly or FrequencyType.Minutely or FrequencyType.Hourly)
        {
            // Aim at the window's first midnight less one occurrence's length: every occurrence that
            // still touches the window is kept, and hardly any before it are walked.
            var aim = target.AtMidnight().PlusSeconds(-length);
            if (aim <= start) return;
            var step = interval * rule.Frequency switch { FrequencyType.Secondly => 1L, FrequencyType.Minutely => 60L, _ => 3600L };
            var seconds = Period.Between(start, aim, PeriodUnits.Seconds).Seconds / step * step;
            var wholeDays = (int)(seconds / 86_400);
            var rest = (int)(seconds % 86_400);
            shift = d => d.AddDays(wholeDays).AddSeconds(rest);
        }
        else
        {
            // A little early: a multi-day occurrence that began before the window still counts.
            var startDate = start.Date;
            var aim = target.PlusDays(-(int)Math.Min(length / 86_400 + 7, 10_000));
            if (aim <= startDate) return;
            var days = Period.Between(startDate, aim, PeriodUnits.Days).Days;
            switch (rule.Frequency)
            {
                case FrequencyType.Daily:
                    var dailySteps = days / interval * interval;
                    shift = d => d.AddDays(dailySteps);
                    break;
                case FrequencyType.Weekly:
                    var weeks = days / 7 / interval * interval;
                    shift = d => d.AddDays(weeks * 7);
                    break;
                case FrequencyType.Monthly when dtStart.Day <= 28:
                    var months = Period.Between(startDate, aim, PeriodUnits.Months).Months / interval * interval;
                    shift = d => d.AddMonths(months);
                    break;
                case FrequencyType.Yearly when !(dtStart.Month == 2 && dtStart.Day == 29):
                    var years = Period.Between(startDate, aim, PeriodUnits.Years).Years / interval * interval;
                    shift = d => d.AddYears(years);
                    break;
            }
        }
        if (shift is null) return;
        evt.DtStart = shift(dtStart);
        if (dtEnd is not null) evt.DtEnd = shift(dtEnd);
    }

    // A summary becomes a day off's name: one line, no control characters, not longer than a name may be.
    private static string? Name(string? summary)
    {
        if (string.IsNullOrWhiteSpace(summary)) return null;
        var sb = new StringBuilder(Math.Min(summary.Length, CalendarValidation.MaxDayOffNameLength));
        foreach (var c in summary)
        {
            if (sb.Length >= CalendarValidation.MaxDayOffNameLength) break;
            sb.Append(char.IsControl(c) ? ' ' : c);
        }
        var name = sb.ToString().Trim();
        return name.Length == 0 ? null : name;
    }

    private static LocalDate LastDate(LocalDate first, bool timed, CalDateTime? end)
    {
        if (end is null) return first;
        var endDate = new LocalDate(end.Year, end.Month, end.Day);
        // DTEND is exclusive: an all-day event ending on the 9th covers up to the 8th, a timed one
        // ending at 00:00 on the 9th as well.
        var exclusive = !timed || !end.HasTime || (end.Hour == 0 && end.Minute == 0 && end.Second == 0);
        var last = exclusive ? endDate.PlusDays(-1) : endDate;
        return last < first ? first : last;
    }
}
