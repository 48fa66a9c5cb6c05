using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
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
}
