using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// A day off or a run of days off (a holiday, a vacation), as dates in the provider's zone.
/// </summary>
/// <remarks>
/// Rules: <see cref="Start"/> and <see cref="End"/> are both included; <see cref="End"/> null means a
/// single day, and it may not be before <see cref="Start"/>. With <see cref="EveryYear"/> the same
/// month and day recur each year (a 29 February day off only in leap years); a yearly range may wrap
/// the new year (24 December – 2 January).
/// </remarks>
public sealed record DayOff(LocalDate Start, LocalDate? End = null, string? Name = null, bool EveryYear = false)
{
    /// <summary>The last day off, included.</summary>
    internal LocalDate Last => End ?? Start;

    /// <summary>True when <paramref name="date"/> is off under this entry.</summary>
    public bool Covers(LocalDate date)
    {
        if (!EveryYear) return date >= Start && date <= Last;
        var key = date.Month * 32 + date.Day;
        var from = Start.Month * 32 + Start.Day;
        var to = Last.Month * 32 + Last.Day;
        if (Last.Year > Start.Year || to < from) return key >= from || key <= to;
        return key >= from && key <= to;
    }
}
