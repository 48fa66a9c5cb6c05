using Liaison.Core.Agreements;
using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// Local time ranges per ISO weekday: our working hours, or the hours in which the client may be
/// contacted. Several ranges a day are allowed (09:00–13:00, 14:00–18:00), as are ranges crossing
/// midnight (see <see cref="TimeOfDayRange"/>).
/// </summary>
/// <remarks>
/// Rules (checked by <see cref="Validate"/>): no inverted range, no range over 24 hours, and no two
/// ranges overlapping, including a range crossing midnight and the next day's first range (Sunday
/// wraps to Monday). Adjacent ranges (13:00–14:00 after 09:00–13:00) are fine. A plain record of
/// lists so that a version of an agreement round-trips through JSON.
/// </remarks>
public sealed record WeeklyHours
{
    public IReadOnlyList<TimeOfDayRange> Monday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Tuesday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Wednesday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Thursday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Friday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Saturday { get; init; } = [];
    public IReadOnlyList<TimeOfDayRange> Sunday { get; init; } = [];

    /// <summary>No hours on any day.</summary>
    public static WeeklyHours None { get; } = new();

    /// <summary>The same ranges Monday to Friday, none at the weekend.</summary>
    public static WeeklyHours Weekdays(params TimeOfDayRange[] ranges) => new()
    {
        Monday = ranges, Tuesday = ranges, Wednesday = ranges, Thursday = ranges, Friday = ranges,
    };

    /// <summary>The ranges of one weekday.</summary>
    public IReadOnlyList<TimeOfDayRange> For(IsoDayOfWeek day) => day switch
    {
        IsoDayOfWeek.Monday => Monday,
        IsoDayOfWeek.Tuesday => Tuesday,
        IsoDayOfWeek.Wednesday => Wednesday,
        IsoDayOfWeek.Thursday => Thursday,
        IsoDayOfWeek.Friday => Friday,
        IsoDayOfWeek.Saturday => Saturday,
        IsoDayOfWeek.Sunday => Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(day)),
    };

    /// <summary>A copy with one weekday's ranges replaced.</summary>
    public WeeklyHours With(IsoDayOfWeek day, params TimeOfDayRange[] ranges) => day switch
    {
        IsoDayOfWeek.Monday => this with { Monday = ranges },
        IsoDayOfWeek.Tuesday => this with { Tuesday = ranges },
        IsoDayOfWeek.Wednesday => this with { Wednesday = ranges },
        IsoDayOfWeek.Thursday => this with { Thursday = ranges },
        IsoDayOfWeek.Friday => this with { Friday = ranges },
        IsoDayOfWeek.Saturday => this with { Saturday = ranges },
        IsoDayOfWeek.Sunday => this with { Sunday = ranges },
        _ => throw new ArgumentOutOfRangeException(nameof(day)),
    };

    /// <summary>True when at least one weekday has a range.</summary>
    internal bool HasAny
    {
        get
        {
            for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
                if (For(d).Count > 0) return true;
            return false;
        }
    }

    /// <summary>Total nominal hours in a week.</summary>
    internal Duration WeeklyTotal
    {
        get
        {
            var total = Duration.Zero;
            for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
                foreach (var r in For(d)) total += r.Length;
            return total;
        }
    }

    /// <summary>
    /// Throws <see cref="AgreementRuleException"/> naming the weekday ("workingHours.monday") for an
    /// inverted, over-long or overlapping range.
    /// </summary>
    /// <param name="field">The field these hours are stored in, such as "workingHours".</param>
    public void Validate(string field)
    {
        // Every range placed on one cyclic week of ticks, so Friday 22:00–02:00 meets Saturday 01:00.
        var placed = new List<(long Start, long End, IsoDayOfWeek Day, TimeOfDayRange Range)>();
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            var dayField = $"{field}.{DayName(d)}";
            var ranges = For(d) ?? throw new AgreementRuleException("hours.missing", $"{dayField} is missing; use an empty list for a day without hours.", dayField);
            foreach (var r in ranges)
            {
                if (r.IsInverted)
                    throw new AgreementRuleException("hours.inverted",
                        $"On {d} the range {r.Start:HH:mm}–{r.End:HH:mm} ends before it starts; if it crosses midnight, mark it as ending the next day.", dayField);
                if (r.IsLongerThanADay)
                    throw new AgreementRuleException("hours.too-long", $"On {d} the range {r} is longer than 24 hours.", dayField);
                var offset = ((int)d - 1) * NodaConstants.TicksPerDay;
                placed.Add((offset + r.StartTicks, offset + r.EndTicks, d, r));
            }
        }
        const long week = NodaConstants.TicksPerDay * 7;
        for (var i = 0; i < placed.Count; i++)
            for (var j = i + 1; j < placed.Count; j++)
            {
                var a = placed[i];
                var b = placed[j];
                // Compare b shifted by -1, 0 and +1 week so Sunday-night ranges meet Monday.
                for (var shift = -week; shift <= week; shift += week)
                    if (a.Start < b.End + shift && b.Start + shift < a.End)
                        throw new AgreementRuleException("hours.overlap",
                            $"On {a.Day} the range {a.Range} overlaps {(a.Day == b.Day ? "" : $"{b.Day}'s ")}{b.Range}.",
                            $"{field}.{DayName(a.Day)}");
            }
    }

    internal static string DayName(IsoDayOfWeek day) => day.ToString().ToLowerInvariant();
}
