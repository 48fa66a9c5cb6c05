using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using NodaTime;

namespace Liaison.Core.Promises;

/// <summary>
/// Check windows compiled for lookup: the next instant, at or after a given one, at which the owner
/// processes messages. Days off have no check windows. A window at a local time that does not exist
/// (spring forward) is at the end of the gap; at a repeated time, the first occurrence.
/// </summary>
public sealed class CheckWindowSchedule
{
    private readonly DateTimeZone _zone;
    private readonly DayOffSet _daysOff;
    private readonly long[] _times;   // ticks of day, sorted per weekday, all weekdays in a row
    private readonly int[] _dayStart; // Monday = 0; [7] = end

    public CheckWindowSchedule(DateTimeZone zone, CheckWindows windows, IEnumerable<DayOff>? daysOff = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        _zone = zone;
        _daysOff = daysOff is null ? DayOffSet.Empty : new DayOffSet(daysOff);
        _dayStart = new int[8];
        var times = new List<long>();
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            _dayStart[(int)d - 1] = times.Count;
            var day = windows.For(d).Select(t => t.TickOfDay).Order().ToArray();
            times.AddRange(day);
        }
        _dayStart[7] = times.Count;
        _times = [.. times];
    }

    /// <summary>True when there is at least one window in the week.</summary>
    public bool HasWindows => _times.Length > 0;

    /// <summary>The first check window at or after <paramref name="instant"/>, or null when there are none.</summary>
    public Instant? NextAtOrAfter(Instant instant)
    {
        if (_times.Length == 0) return null;
        var from = instant.ToUnixTimeTicks();
        var clock = new LocalClock(_zone, from);
        var day = CivilDays.DayOf(clock.ToLocal(from));
        // Days off could in theory hide every window for ever; give up after a few years.
        for (var walked = 0; walked < 366 * 5; walked++, day++)
        {
            if (_daysOff.IsOff(day)) continue;
            var weekday = CivilDays.WeekdayIndex(day);
            var midnight = (long)day * NodaConstants.TicksPerDay;
            for (var i = _dayStart[weekday]; i < _dayStart[weekday + 1]; i++)
            {
                var at = clock.ToUtc(midnight + _times[i], isEnd: false);
                if (at >= from) return Instant.FromUnixTimeTicks(at);
            }
        }
        return null;
    }

    /// <summary>The last check window at or before <paramref name="instant"/>, or null when there are none.</summary>
    public Instant? LastAtOrBefore(Instant instant)
    {
        if (_times.Length == 0) return null;
        var from = instant.ToUnixTimeTicks();
        var clock = new LocalClock(_zone, from);
        var day = CivilDays.DayOf(clock.ToLocal(from));
        for (var walked = 0; walked < 366 * 5; walked++, day--)
        {
            if (_daysOff.IsOff(day)) continue;
            var weekday = CivilDays.WeekdayIndex(day);
            var midnight = (long)day * NodaConstants.TicksPerDay;
            for (var i = _dayStart[weekday + 1] - 1; i >= _dayStart[weekday]; i--)
            {
                var at = clock.ToUtc(midnight + _times[i], isEnd: false);
                if (at <= from) return Instant.FromUnixTimeTicks(at);
            }
        }
        return null;
    }
}
