using Xunit;
using CsCheck;
using Liaison.Core.Calendars;
using NodaTime;

namespace Liaison.Core.Tests.Promises;

public class WorkingCalendarProperties
{
    private static readonly WorkingCalendar[] Samples =
    [
        new(Calendars.Zone("Europe/Warsaw"), Calendars.Office,
            [new DayOff(new LocalDate(2025, 5, 1)), new DayOff(new LocalDate(2025, 8, 4), new LocalDate(2025, 8, 15)), new DayOff(new LocalDate(2000, 12, 24), new LocalDate(2000, 12, 26), EveryYear: true)]),
        new(Calendars.Zone("Europe/Sofia"), WeeklyHours.Weekdays(TimeOfDayRange.Of(22, 0, 2, 30)).With(IsoDayOfWeek.Sunday, TimeOfDayRange.Of(0, 30, 3, 30))),
        new(Calendars.Zone("America/New_York"), WeeklyHours.Weekdays(TimeOfDayRange.Of(1, 0, 3, 0), TimeOfDayRange.Of(9, 0, 17, 0))),
        new(Calendars.Zone("Australia/Lord_Howe"), WeeklyHours.None.With(IsoDayOfWeek.Sunday, TimeOfDayRange.Of(0, 0, 0, 0)).With(IsoDayOfWeek.Wednesday, TimeOfDayRange.Of(1, 45, 2, 15))),
        new(Calendars.Zone("Asia/Kathmandu"), WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(13, 30, 18, 0))),
    ];

    private static readonly long From = Instant.FromUtc(2024, 1, 1, 0, 0).ToUnixTimeTicks();
    private static readonly long To = Instant.FromUtc(2026, 1, 1, 0, 0).ToUnixTimeTicks();

    private static readonly Gen<WorkingCalendar> Calendar = Gen.Int[0, Samples.Length - 1].Select(i => Samples[i]);
    private static readonly Gen<Instant> Moment = Gen.Long[From, To].Select(Instant.FromUnixTimeTicks);
    private static readonly Gen<Duration> Work = Gen.Long[0, 60 * 24 * 6].Select(Duration.FromMinutes);

    [Fact]
    public void Add_NeverBeforeTheStart() =>
        Gen.Select(Calendar, Moment, Work).Sample((c, t, d) => c.Add(t, d) >= t);

    [Fact]
    public void Add_PositiveAmount_EndsInsideWorkingHours() =>
        Gen.Select(Calendar, Moment, Work.Where(d => d > Duration.Zero)).Sample((c, t, d) => c.IsWorking(c.Add(t, d) - Duration.FromTicks(1)));

    [Fact]
    public void Add_LaterStart_NeverEndsEarlier() =>
        Gen.Select(Calendar, Moment, Gen.Long[0, NodaConstants.TicksPerDay * 5], Work)
            .Sample((c, t, later, d) => c.Add(t, d) <= c.Add(t + Duration.FromTicks(later), d));

    [Fact]
    public void Add_TwoSteps_EqualsTheSum() =>
        Gen.Select(Calendar, Moment, Work, Work).Sample((c, t, a, b) => c.Add(c.Add(t, a), b) == c.Add(t, a + b));

    [Fact]
    public void WorkingTimeBetween_StartAndResult_IsTheAmountAdded() =>
        Gen.Select(Calendar, Moment, Work).Sample((c, t, d) => c.WorkingTimeBetween(t, c.Add(t, d)) == d);
}
