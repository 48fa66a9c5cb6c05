using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// Proleptic Gregorian dates as days since 1970-01-01, computed with integer arithmetic so the
/// promise hot path never builds a <see cref="LocalDate"/> (H. Hinnant's days_from_civil).
/// </summary>
internal static class CivilDays
{
    public static int From(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - era * 400;
        var doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    public static int From(LocalDate date) => From(date.Year, date.Month, date.Day);

    public static LocalDate ToDate(int days)
    {
        var (y, m, d) = Split(days);
        return new LocalDate(y, m, d);
    }

    public static (int Year, int Month, int Day) Split(int days)
    {
        var z = days + 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var doe = z - era * 146097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        var y = yoe + era * 400;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        var d = doy - (153 * mp + 2) / 5 + 1;
        var m = mp < 10 ? mp + 3 : mp - 9;
        return (m <= 2 ? y + 1 : y, m, d);
    }

    /// <summary>ISO weekday index, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).</summary>
    public static int WeekdayIndex(int days) => (int)(((long)days % 7 + 7 + 3) % 7);

    /// <summary>The day number holding a count of local ticks since 1970-01-01T00:00 (floor division).</summary>
    public static int DayOf(long localTicks)
    {
        var q = localTicks / NodaConstants.TicksPerDay;
        return (int)(localTicks % NodaConstants.TicksPerDay < 0 ? q - 1 : q);
    }
}
