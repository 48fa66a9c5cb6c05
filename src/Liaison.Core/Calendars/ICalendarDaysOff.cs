using Ical.Net;
using Ical.Net.DataTypes;
using Liaison.Core.Agreements;
using NodaTime;

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
/// </remarks>
public static class ICalendarDaysOff
{
    /// <summary>
    /// Parses <paramref name="icsText"/> and returns the days off that fall within
    /// <paramref name="window"/>. Throws <see cref="AgreementRuleException"/> (field "daysOff.calendar")
    /// for text that is not a valid iCalendar or an event without a start.
    /// </summary>
    public static IReadOnlyList<DayOff> Parse(string icsText, DateInterval window)
    {
        ArgumentNullException.ThrowIfNull(window);
        const string field = "daysOff.calendar";
        if (string.IsNullOrWhiteSpace(icsText) || !icsText.TrimStart().StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
            throw new AgreementRuleException("ical.malformed", "This is not an iCalendar file: it does not begin with BEGIN:VCALENDAR.", field);
        Calendar? calendar;
        try
        {
            calendar = Calendar.Load(icsText);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new AgreementRuleException("ical.malformed", $"The iCalendar file cannot be read: {ex.Message}", field);
        }
        if (calendar is null)
            throw new AgreementRuleException("ical.malformed", "The iCalendar file holds no calendar.", field);

        var result = new List<DayOff>();
        var from = new CalDateTime(window.Start.Year, window.Start.Month, window.Start.Day);
        foreach (var evt in calendar.Events)
        {
            if (evt.DtStart is null)
                throw new AgreementRuleException("ical.malformed", $"The event '{evt.Summary}' has no valid start date (DTSTART).", field);
            IEnumerable<Occurrence> occurrences;
            try
            {
                occurrences = evt.GetOccurrences(from, null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new AgreementRuleException("ical.malformed", $"The event '{evt.Summary}' cannot be expanded: {ex.Message}", field);
            }
            foreach (var occurrence in occurrences)
            {
                var start = occurrence.Period.StartTime;
                var first = new LocalDate(start.Year, start.Month, start.Day);
                if (first > window.End) break;
                var last = LastDate(first, start.HasTime, occurrence.Period.EffectiveEndTime);
                if (last < window.Start) continue;
                result.Add(new DayOff(first, last == first ? null : last, string.IsNullOrWhiteSpace(evt.Summary) ? null : evt.Summary.Trim()));
            }
        }
        result.Sort((a, b) => a.Start.CompareTo(b.Start));
        return result;
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
