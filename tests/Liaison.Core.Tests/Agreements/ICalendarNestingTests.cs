using System.Text;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using NodaTime;
using Xunit;

namespace Liaison.Core.Tests.Agreements;

/// <summary>An .ics built to nest components without end: read or refused, never a crash of the process.</summary>
public class ICalendarNestingTests
{
    [Fact]
    public void CalendarNestingComponentsTenThousandDeep_IsReadOrRefused_NotAStackOverflow()
    {
        var ics = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Liaison//Test//EN\r\n");
        const int depth = 10_000;
        for (var i = 0; i < depth; i++) ics.Append("BEGIN:VEVENT\r\nUID:").Append(i).Append("@test\r\nDTSTART;VALUE=DATE:20250501\r\n");
        for (var i = 0; i < depth; i++) ics.Append("END:VEVENT\r\n");
        ics.Append("END:VCALENDAR\r\n");

        var window = new DateInterval(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31));
        try
        {
            var days = ICalendarDaysOff.Parse(ics.ToString(), window);
            Assert.All(days, d => Assert.Equal(new LocalDate(2025, 5, 1), d.Start));
        }
        catch (AgreementRuleException refused)
        {
            Assert.Equal("daysOff.calendar", refused.Field);
        }
    }
}
