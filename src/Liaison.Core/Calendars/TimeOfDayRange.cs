using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// A stretch of local time within one day, such as 09:00–13:00, belonging to the day it starts on.
/// </summary>
/// <remarks>
/// Rules: the start is included and the end excluded. When <see cref="EndsNextDay"/> is false the end
/// must be after the start; when it is true the range crosses midnight and ends on the following day
/// at <see cref="End"/> (22:00–02:00, or 18:00–00:00 for "until midnight"), and it may not be longer
/// than 24 hours (00:00–00:00 next day is the whole day). An end before the start without
/// <see cref="EndsNextDay"/> is an inverted range, which validation rejects: a crossing of midnight is
/// always stated, never guessed. A range crossing midnight still belongs to the day it starts on: if
/// that day is a day off, the whole range is off.
/// </remarks>
public readonly record struct TimeOfDayRange(LocalTime Start, LocalTime End, bool EndsNextDay = false)
{
    /// <summary>09:00–13:00 style factory; an end at or before the start means the range crosses midnight.</summary>
    public static TimeOfDayRange Of(int startHour, int startMinute, int endHour, int endMinute)
    {
        var start = new LocalTime(startHour, startMinute);
        var end = new LocalTime(endHour, endMinute);
        return new TimeOfDayRange(start, end, end <= start);
    }

    /// <summary>True when the end is not after the start and the range does not say it crosses midnight.</summary>
    internal bool IsInverted => !EndsNextDay && End <= Start;

    /// <summary>True when the range crosses midnight and would last more than 24 hours.</summary>
    internal bool IsLongerThanADay => EndsNextDay && End > Start;

    /// <summary>Ticks from the start day's local midnight to the start.</summary>
    internal long StartTicks => Start.TickOfDay;

    /// <summary>Ticks from the start day's local midnight to the end (more than a day when it ends next day).</summary>
    internal long EndTicks => End.TickOfDay + (EndsNextDay ? NodaConstants.TicksPerDay : 0);

    /// <summary>The nominal local length, ignoring daylight-saving changes.</summary>
    internal Duration Length => Duration.FromTicks(EndTicks - StartTicks);

    public override string ToString() => $"{Start:HH:mm}–{End:HH:mm}{(EndsNextDay ? " (+1)" : "")}";
}
