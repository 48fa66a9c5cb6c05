using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// Working hours, days off and a time zone compiled for business-time arithmetic: "4 working hours
/// from now", "1.5 working days from Friday 17:00". Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// <para><b>Working time</b> is the set of instants inside a working range of a day that is not a day
/// off, in the calendar's zone. It is measured as time that really passes: a range 01:00–05:00 on
/// the night clocks spring forward holds three working hours, on the night they fall back five.</para>
/// <para><b>Adding</b> N of working time to an instant gives the earliest instant by which N of
/// working time has passed since it. Adding zero gives the instant itself, so adding a then b equals
/// adding a + b. For N &gt; 0 the result is inside a working range or at its end (a promise
/// "by 18:00" when work ends at 18:00), never at the start of the next one.</para>
/// <para><b>A working day</b> is a fixed amount of working time: the calendar's weekly working time
/// divided by the number of weekdays that have working hours (the average working weekday, rounded
/// down to a whole minute). With 09:00–13:00 and 14:00–18:00 Monday to Friday it is 8 hours, so
/// 1.5 working days are 12 working hours, and 1.5 working days from Friday 17:00 end on Tuesday at
/// 12:00 (1 hour on Friday, 8 on Monday, 3 on Tuesday). A message received on Saturday with a
/// promise of one working day is answered by the end of Monday, which is what people mean by "the
/// next working day". Days off do not change the length of a working day; they are skipped.</para>
/// <para>Under <see cref="AroundTheClock"/> (24/7 duty) every instant is working time and a working
/// day is 24 hours.</para>
/// <para>Precision is one tick (100 ns).</para>
/// </remarks>
public sealed class WorkingCalendar
{
    /// <summary>
    /// How far ahead working time is searched before giving up: validation refuses calendars without
    /// working time in their first year, but a stored agreement may predate that rule (or chain days
    /// off beyond it), and a promise must then fail as a named rule, not loop or crash.
    /// </summary>
    public const int SearchHorizonYears = 20;

    private const int MaxDaysWalked = 366 * SearchHorizonYears;

    // Beyond this much working time no promise can fall inside the horizon anyway; clamping keeps
    // Duration and Instant arithmetic from overflowing on absurd response times.
    internal static readonly Duration MaxWorkingTime = Duration.FromDays(MaxDaysWalked);

    private readonly DateTimeZone _zone;
    private readonly DayOffSet _daysOff;
    private readonly long[] _bounds;      // start/end tick pairs from local midnight, all weekdays in a row
    private readonly int[] _dayStart;     // index into _bounds of each weekday's first pair, Monday = 0; [7] = end
    private readonly bool _always;

    private WorkingCalendar(DateTimeZone zone)
    {
        _zone = zone;
        _daysOff = DayOffSet.Empty;
        _bounds = [];
        _dayStart = new int[8];
        _always = true;
        WorkingDay = Duration.FromDays(1);
    }

    /// <summary>Compiles a calendar; the hours must be valid (<see cref="WeeklyHours.Validate"/>).</summary>
    public WorkingCalendar(DateTimeZone zone, WeeklyHours hours, IEnumerable<DayOff>? daysOff = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(hours);
        _zone = zone;
        _daysOff = daysOff is null ? DayOffSet.Empty : new DayOffSet(daysOff);
        var bounds = new List<long>();
        _dayStart = new int[8];
        var workingWeekdays = 0;
        long weekly = 0;
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            _dayStart[(int)d - 1] = bounds.Count;
            var ranges = hours.For(d).ToArray();
            Array.Sort(ranges, (a, b) => a.StartTicks.CompareTo(b.StartTicks));
            foreach (var r in ranges)
            {
                bounds.Add(r.StartTicks);
                bounds.Add(r.EndTicks);
                weekly += r.EndTicks - r.StartTicks;
            }
            if (ranges.Length > 0) workingWeekdays++;
        }
        _dayStart[7] = bounds.Count;
        _bounds = [.. bounds];
        var perDay = workingWeekdays == 0 ? 0 : weekly / workingWeekdays;
        WorkingDay = Duration.FromMinutes(perDay / NodaConstants.TicksPerMinute);
    }

    /// <summary>A 24/7 calendar: every instant is working time.</summary>
    public static WorkingCalendar AroundTheClock(DateTimeZone zone) => new(zone);

    /// <summary>The zone the working hours are read in.</summary>
    public DateTimeZone Zone => _zone;

    /// <summary>True for a 24/7 calendar.</summary>
    public bool IsAroundTheClock => _always;

    /// <summary>The length of one working day (see the remarks on the type).</summary>
    public Duration WorkingDay { get; }

    /// <summary>True when the calendar has any working range at all.</summary>
    public bool HasWorkingTime => _always || _bounds.Length > 0;

    /// <summary>Adds working minutes; see the remarks on the type.</summary>
    public Instant AddWorkingMinutes(Instant start, long minutes) => Add(start, Duration.FromMinutes(minutes));

    /// <summary>Adds working hours (fractions allowed, rounded to a minute).</summary>
    public Instant AddWorkingHours(Instant start, decimal hours) =>
        Add(start, Duration.FromMinutes((long)Math.Round(hours * 60m, MidpointRounding.AwayFromZero)));

    /// <summary>Adds working days, each <see cref="WorkingDay"/> long (fractions allowed, rounded to a minute).</summary>
    public Instant AddWorkingDays(Instant start, decimal days) =>
        Add(start, Duration.FromMinutes((long)Math.Round(days * (decimal)WorkingDay.TotalMinutes, MidpointRounding.AwayFromZero)));

    /// <summary>The earliest instant by which <paramref name="workingTime"/> of working time has passed since <paramref name="start"/>.</summary>
    /// <remarks>
    /// Throws <see cref="Agreements.AgreementRuleException"/> ("promise.no-working-time") when that
    /// much working time does not pass within <see cref="SearchHorizonYears"/> years.
    /// </remarks>
    public Instant Add(Instant start, Duration workingTime) =>
        TryAdd(start, workingTime, out var due)
            ? due
            : throw new Agreements.AgreementRuleException("promise.no-working-time",
                $"The agreement leaves no working hours for this promise within {SearchHorizonYears} years: check the working hours, the days off and the response time.",
                "daysOff");

    /// <summary>Like <see cref="Add"/>, but false instead of throwing when the horizon is reached first.</summary>
    public bool TryAdd(Instant start, Duration workingTime, out Instant due)
    {
        if (workingTime < Duration.Zero) throw new ArgumentOutOfRangeException(nameof(workingTime), "Working time to add cannot be negative.");
        due = start;
        if (workingTime > MaxWorkingTime) return false;
        var ticks = workingTime.BclCompatibleTicks;
        if (ticks == 0) return true;
        if (_always)
        {
            if (start > Instant.MaxValue - workingTime) return false;
            due = start + workingTime;
            return true;
        }
        if (!TryAddTicks(start.ToUnixTimeTicks(), ticks, MaxDaysWalked, out var end)) return false;
        due = Instant.FromUnixTimeTicks(end);
        return true;
    }

    /// <summary>True when some working time begins within <paramref name="days"/> days after <paramref name="from"/>.</summary>
    public bool HasWorkingTimeWithin(Instant from, int days) =>
        _always || (_bounds.Length > 0 && TryAddTicks(from.ToUnixTimeTicks(), 1, days + 1, out _));

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public Duration WorkingTimeBetween(Instant from, Instant to)
    {
        if (to <= from) return Duration.Zero;
        if (_always) return to - from;
        return Duration.FromTicks(CountTicks(from.ToUnixTimeTicks(), to.ToUnixTimeTicks()));
    }

    /// <summary>True when <paramref name="instant"/> is working time (range start included, end excluded).</summary>
    public bool IsWorking(Instant instant)
    {
        if (_always) return true;
        var t = instant.ToUnixTimeTicks();
        return CountTicks(t, t + 1) == 1;
    }

    /// <summary>The first instant at or after <paramref name="instant"/> that is working time.</summary>
    public Instant NextWorkingInstant(Instant instant)
    {
        if (_always) return instant;
        return Add(instant, Duration.FromTicks(1)) - Duration.FromTicks(1);
    }

    private bool TryAddTicks(long from, long amount, int maxDays, out long result)
    {
        result = from;
        var clock = new LocalClock(_zone, from);
        // Start a day early: yesterday's range crossing midnight may still be running.
        var day = CivilDays.DayOf(clock.ToLocal(from)) - 1;
        var cursor = from;
        for (var walked = 0; walked < maxDays; walked++, day++)
        {
            if (_daysOff.IsOff(day)) continue;
            var weekday = CivilDays.WeekdayIndex(day);
            var midnight = (long)day * NodaConstants.TicksPerDay;
            for (var i = _dayStart[weekday]; i < _dayStart[weekday + 1]; i += 2)
            {
                var end = clock.ToUtc(midnight + _bounds[i + 1], isEnd: true);
                if (end <= cursor) continue;
                var start = clock.ToUtc(midnight + _bounds[i], isEnd: false);
                if (start > cursor) cursor = start;
                var available = end - cursor;
                if (available >= amount)
                {
                    result = cursor + amount;
                    return true;
                }
                amount -= available;
                cursor = end;
            }
        }
        return false;
    }

    private long CountTicks(long from, long to)
    {
        var clock = new LocalClock(_zone, from);
        var day = CivilDays.DayOf(clock.ToLocal(from)) - 1;
        var cursor = from;
        long total = 0;
        // A day's ranges start at or after its midnight, so once a midnight is past the end nothing more counts.
        for (; clock.ToUtc((long)day * NodaConstants.TicksPerDay, isEnd: false) < to; day++)
        {
            if (_daysOff.IsOff(day)) continue;
            var weekday = CivilDays.WeekdayIndex(day);
            var midnight = (long)day * NodaConstants.TicksPerDay;
            for (var i = _dayStart[weekday]; i < _dayStart[weekday + 1]; i += 2)
            {
                var end = Math.Min(clock.ToUtc(midnight + _bounds[i + 1], isEnd: true), to);
                var start = Math.Max(clock.ToUtc(midnight + _bounds[i], isEnd: false), cursor);
                if (end <= start) continue;
                total += end - start;
                cursor = end;
            }
        }
        return total;
    }
}
