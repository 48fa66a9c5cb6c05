using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using System.Diagnostics;
using NodaTime;
using Xunit;

namespace Liaison.Core.Tests.Agreements;

public class ICalendarDaysOffTests
{
    private const string Ics = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Liaison//Test//EN
        BEGIN:VEVENT
        UID:1@test
        DTSTAMP:20250101T000000Z
        DTSTART;VALUE=DATE:20250501
        DTEND;VALUE=DATE:20250502
        SUMMARY:Labour Day
        END:VEVENT
        BEGIN:VEVENT
        UID:2@test
        DTSTAMP:20250101T000000Z
        DTSTART;VALUE=DATE:20250804
        DTEND;VALUE=DATE:20250809
        SUMMARY:Vacation
        END:VEVENT
        BEGIN:VEVENT
        UID:3@test
        DTSTAMP:20250101T000000Z
        DTSTART;VALUE=DATE:20201224
        DTEND;VALUE=DATE:20201225
        RRULE:FREQ=YEARLY
        SUMMARY:Christmas Eve
        END:VEVENT
        END:VCALENDAR
        """;

    [Fact]
    public void Parse_HolidayVacationAndYearlyEvent_GivesTheirDates()
    {
        var days = ICalendarDaysOff.Parse(Ics, new DateInterval(new LocalDate(2025, 1, 1), new LocalDate(2026, 12, 31)));
        Assert.Equal(
            [
                new DayOff(new LocalDate(2025, 5, 1), null, "Labour Day"),
                new DayOff(new LocalDate(2025, 8, 4), new LocalDate(2025, 8, 8), "Vacation"),
                new DayOff(new LocalDate(2025, 12, 24), null, "Christmas Eve"),
                new DayOff(new LocalDate(2026, 12, 24), null, "Christmas Eve"),
            ],
            days);
    }

    [Fact]
    public void Parse_ImportedVacation_IsSkippedByPromises()
    {
        var days = ICalendarDaysOff.Parse(Ics, new DateInterval(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31)));
        var calendar = new WorkingCalendar(Promises.Calendars.Zone("Europe/Warsaw"), Promises.Calendars.Office, days);
        var due = calendar.AddWorkingHours(Promises.Calendars.At("Europe/Warsaw", "2025-08-01T17:00"), 2);
        Assert.Equal("2025-08-11T10:00:00", Promises.Calendars.Local(due, "Europe/Warsaw"));
    }

    [Theory]
    [InlineData("not a calendar")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250101\r\n")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2025XX01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")]
    public void Parse_Malformed_IsRejected(string text)
    {
        var error = Assert.Throws<AgreementRuleException>(() => ICalendarDaysOff.Parse(text, new DateInterval(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31))));
        Assert.Equal("ical.malformed", error.Rule);
        Assert.Equal("daysOff.calendar", error.Field);
    }

    private static string Calendar(string events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Liaison//Test//EN\r\n" + events + "END:VCALENDAR\r\n";

    private static readonly DateInterval TwoYears = new(new LocalDate(2026, 12, 1), new LocalDate(2028, 12, 1));

    [Theory]
    [InlineData("FREQ=SECONDLY")]
    [InlineData("FREQ=MINUTELY;INTERVAL=7")]
    [InlineData("FREQ=HOURLY;INTERVAL=5")]
    [InlineData("FREQ=DAILY")]
    [InlineData("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=31")]
    [InlineData("FREQ=SECONDLY;COUNT=2000000000")]
    public void Parse_RuleRunningSince1900_FinishesFastWithABoundedResult(string rule)
    {
        var ics = Calendar($"BEGIN:VEVENT\r\nUID:s@test\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:19000101T000000Z\r\nDTEND:19000101T000001Z\r\nRRULE:{rule}\r\nSUMMARY:Tick\r\nEND:VEVENT\r\n");
        var clock = Stopwatch.StartNew();
        var days = ICalendarDaysOff.Parse(ics, TwoYears);
        // Unbounded, the first three took longer than five minutes (every second since 1900 walked).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(days.Count <= TwoYears.Length);
        Assert.All(days, d => Assert.True(d.Start >= TwoYears.Start && d.Start <= TwoYears.End));
    }

    [Fact]
    public void Parse_SubDailyRuleSince1900_StillGivesTheDaysInTheWindow()
    {
        var ics = Calendar("BEGIN:VEVENT\r\nUID:h@test\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:19000101T100000Z\r\nDTEND:19000101T110000Z\r\nRRULE:FREQ=HOURLY;INTERVAL=24\r\nSUMMARY:Daily stand-up\r\nEND:VEVENT\r\n");
        var days = ICalendarDaysOff.Parse(ics, new DateInterval(new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 3)));
        Assert.Equal([new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 2), new LocalDate(2026, 12, 3)], days.Select(d => d.Start));
    }

    [Fact]
    public void Parse_DailyRuleSince1900_IsExpandedOnlyInTheWindow()
    {
        var ics = Calendar("BEGIN:VEVENT\r\nUID:d@test\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:19000101\r\nRRULE:FREQ=DAILY;INTERVAL=3\r\nSUMMARY:Every third day\r\nEND:VEVENT\r\n");
        var days = ICalendarDaysOff.Parse(ics, new DateInterval(new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 10)));
        // 2026-12-02 is 46,356 days (a multiple of 3) after 1900-01-01.
        Assert.Equal([new LocalDate(2026, 12, 2), new LocalDate(2026, 12, 5), new LocalDate(2026, 12, 8)], days.Select(d => d.Start));
    }

    [Fact]
    public void Parse_SetPositionOverEverySecondOfTheYear_IsRefusedAtOnce()
    {
        var seconds = string.Join(',', Enumerable.Range(0, 60));
        var ics = Calendar($"BEGIN:VEVENT\r\nUID:p@test\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE={seconds};BYSECOND={seconds};BYSETPOS=-1\r\nEND:VEVENT\r\n");
        Assert.Equal("ical.too-complex", Assert.Throws<AgreementRuleException>(() => ICalendarDaysOff.Parse(ics, TwoYears)).Rule);
    }

    [Fact]
    public void Parse_OverTheSizeLimit_IsRefused()
    {
        var filler = "BEGIN:VEVENT\r\nUID:x@test\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:" + new string('x', 1000) + "\r\nEND:VEVENT\r\n";
        var ics = Calendar(string.Concat(Enumerable.Repeat(filler, ICalendarDaysOff.MaxTextLength / filler.Length + 1)));
        var error = Assert.Throws<AgreementRuleException>(() => ICalendarDaysOff.Parse(ics, TwoYears));
        Assert.Equal("ical.too-large", error.Rule);
        Assert.Equal("daysOff.calendar", error.Field);
    }

    [Fact]
    public void Parse_CancelledEventsExdatesAndCancelledInstances_AreNotDaysOff()
    {
        var ics = Calendar(
            "BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART;VALUE=DATE:20270105\r\nSTATUS:CANCELLED\r\nSUMMARY:Called off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nDTSTART;VALUE=DATE:20270104\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE;VALUE=DATE:20270111\r\nSUMMARY:Monday off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nRECURRENCE-ID;VALUE=DATE:20270118\r\nDTSTART;VALUE=DATE:20270118\r\nSTATUS:CANCELLED\r\nSUMMARY:Monday off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nRECURRENCE-ID;VALUE=DATE:20270125\r\nDTSTART;VALUE=DATE:20270126\r\nSUMMARY:Tuesday off instead\r\nEND:VEVENT\r\n");
        var days = ICalendarDaysOff.Parse(ics, TwoYears);
        Assert.Equal(
            [new DayOff(new LocalDate(2027, 1, 4), null, "Monday off"), new DayOff(new LocalDate(2027, 1, 26), null, "Tuesday off instead")],
            days);
    }

    [Fact]
    public void Parse_CancelledRequest_StopsExpanding()
    {
        var ics = Calendar("BEGIN:VEVENT\r\nUID:s@test\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ICalendarDaysOff.Parse(ics, TwoYears, cancelled.Token));
    }

    [Fact]
    public void Parse_SummaryWithControlCharactersOrTooLong_BecomesAOneLineName()
    {
        var ics = Calendar("BEGIN:VEVENT\r\nUID:n@test\r\nDTSTART;VALUE=DATE:20270105\r\nSUMMARY:Holiday\\nwith\u0000NUL " + new string('y', 400) + "\r\nEND:VEVENT\r\n");
        var day = Assert.Single(ICalendarDaysOff.Parse(ics, TwoYears));
        Assert.StartsWith("Holiday withNUL yyy", day.Name, StringComparison.Ordinal);
        Assert.Equal(CalendarValidation.MaxDayOffNameLength, day.Name!.Length);
        Assert.DoesNotContain(day.Name, char.IsControl);
    }
}
