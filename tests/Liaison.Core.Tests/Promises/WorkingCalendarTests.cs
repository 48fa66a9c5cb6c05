using Xunit;
using Liaison.Core.Calendars;
using NodaTime;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Promises;

public class WorkingCalendarTests
{
    private static WorkingCalendar Office(string zone, params DayOff[] daysOff) => new(Zone(zone), Calendars.Office, daysOff);

    [Fact]
    public void WorkingDay_OfficeHours_IsEightHours() =>
        Assert.Equal(Duration.FromHours(8), Office("Europe/Warsaw").WorkingDay);

    [Fact]
    public void AddWorkingDays_OneAndAHalfFromFriday17_EndsTuesdayAtNoon()
    {
        var due = Office("Europe/Warsaw").AddWorkingDays(At("Europe/Warsaw", "2025-03-07T17:00"), 1.5m);
        Assert.Equal("2025-03-11T12:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void AddWorkingDays_OneFromSaturday_EndsAtCloseOnMonday()
    {
        var due = Office("Europe/Warsaw").AddWorkingDays(At("Europe/Warsaw", "2025-03-08T11:00"), 1);
        Assert.Equal("2025-03-10T18:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void AddWorkingHours_DuringLunch_StartsAfterLunch()
    {
        var due = Office("Europe/Warsaw").AddWorkingHours(At("Europe/Warsaw", "2025-03-05T13:20"), 1);
        Assert.Equal("2025-03-05T15:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Add_HolidayOnMonday_SkipsToTuesday()
    {
        var calendar = Office("Europe/Warsaw", new DayOff(new LocalDate(2025, 3, 10), Name: "Holiday"));
        var due = calendar.AddWorkingHours(At("Europe/Warsaw", "2025-03-07T19:30"), 4);
        Assert.Equal("2025-03-11T13:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Add_YearlyDayOff_SkipsItEveryYear()
    {
        var calendar = Office("Europe/Warsaw", new DayOff(new LocalDate(2000, 12, 24), new LocalDate(2000, 12, 26), "Christmas", EveryYear: true));
        var due = calendar.AddWorkingHours(At("Europe/Warsaw", "2025-12-23T17:00"), 2);
        Assert.Equal("2025-12-29T10:00:00", Local(due, "Europe/Warsaw")); // 24–26 off, 27–28 weekend
    }

    [Fact]
    public void Add_IntervalCrossingMidnight_ContinuesAfterMidnight()
    {
        var night = new WorkingCalendar(Zone("Europe/Warsaw"), WeeklyHours.Weekdays(TimeOfDayRange.Of(20, 0, 4, 0)));
        Assert.Equal("2025-03-11T03:00:00", Local(night.AddWorkingHours(At("Europe/Warsaw", "2025-03-10T23:00"), 4), "Europe/Warsaw"));
        // Tuesday 03:30: half an hour of Monday night's shift is left, then Tuesday night.
        Assert.Equal("2025-03-11T20:30:00", Local(night.AddWorkingHours(At("Europe/Warsaw", "2025-03-11T03:30"), 1), "Europe/Warsaw"));
    }

    [Fact]
    public void Add_AroundSpringForwardInWarsaw_CountsRealTime()
    {
        var sunday = new WorkingCalendar(Zone("Europe/Warsaw"), WeeklyHours.None.With(IsoDayOfWeek.Sunday, TimeOfDayRange.Of(1, 0, 5, 0)));
        var saturday = At("Europe/Warsaw", "2025-03-29T12:00");
        Assert.Equal(Duration.FromHours(3), sunday.WorkingTimeBetween(saturday, saturday + Duration.FromDays(2)));
        Assert.Equal("2025-03-30T04:00:00", Local(sunday.AddWorkingHours(saturday, 2), "Europe/Warsaw"));
    }

    [Fact]
    public void Add_AroundFallBackInWarsaw_CountsTheRepeatedHour()
    {
        var sunday = new WorkingCalendar(Zone("Europe/Warsaw"), WeeklyHours.None.With(IsoDayOfWeek.Sunday, TimeOfDayRange.Of(1, 0, 5, 0)));
        var saturday = At("Europe/Warsaw", "2025-10-25T12:00");
        Assert.Equal(Duration.FromHours(5), sunday.WorkingTimeBetween(saturday, saturday + Duration.FromDays(2)));
        Assert.Equal(Instant.FromUtc(2025, 10, 26, 3, 0), sunday.AddWorkingHours(saturday, 4)); // 04:00 local (+01:00)
    }

    [Fact]
    public void Add_NightShiftOverSpringForwardInSofia_IsAnHourShorter()
    {
        var night = new WorkingCalendar(Zone("Europe/Sofia"), WeeklyHours.None.With(IsoDayOfWeek.Saturday, TimeOfDayRange.Of(22, 0, 6, 0)));
        var start = At("Europe/Sofia", "2025-03-29T22:00");
        Assert.Equal("2025-03-30T06:00:00", Local(night.AddWorkingHours(start, 7), "Europe/Sofia"));
        Assert.Equal("2025-04-05T22:30:00", Local(night.AddWorkingHours(start, 7.5m), "Europe/Sofia"));
    }

    [Fact]
    public void Add_OverWeekendOfDstStartInNewYork_KeepsLocalOfficeHours()
    {
        var due = new WorkingCalendar(Zone("America/New_York"), WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 17, 0)))
            .AddWorkingHours(At("America/New_York", "2025-03-07T16:00"), 4);
        Assert.Equal(Instant.FromUtc(2025, 3, 10, 16, 0), due); // Monday 12:00 EDT (-04:00)
    }

    [Fact]
    public void Add_AroundHalfHourFallBackOnLordHowe_CountsTwoAndAHalfHours()
    {
        var sunday = new WorkingCalendar(Zone("Australia/Lord_Howe"), WeeklyHours.None.With(IsoDayOfWeek.Sunday, TimeOfDayRange.Of(1, 0, 3, 0)));
        var saturday = At("Australia/Lord_Howe", "2025-04-05T12:00");
        Assert.Equal(Duration.FromMinutes(150), sunday.WorkingTimeBetween(saturday, saturday + Duration.FromDays(2)));
    }

    [Fact]
    public void Add_InKathmandu_UsesQuarterHourOffset()
    {
        var due = new WorkingCalendar(Zone("Asia/Kathmandu"), WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 18, 0)))
            .AddWorkingHours(At("Asia/Kathmandu", "2025-06-02T17:30"), 1);
        Assert.Equal(Instant.FromUtc(2025, 6, 3, 3, 45), due); // Tuesday 09:30 at +05:45
    }

    [Fact]
    public void Add_Zero_ReturnsTheStart()
    {
        var start = At("Europe/Warsaw", "2025-03-08T11:00");
        Assert.Equal(start, Office("Europe/Warsaw").Add(start, Duration.Zero));
    }

    [Fact]
    public void AroundTheClock_AddsElapsedTime()
    {
        var start = At("Europe/Warsaw", "2025-03-08T23:00");
        Assert.Equal(start + Duration.FromHours(36), WorkingCalendar.AroundTheClock(Zone("Europe/Warsaw")).AddWorkingDays(start, 1.5m));
    }
}
