using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Agreements;

public class AgreementValidationTests
{
    [Fact]
    public void Validate_DefaultAgreement_Passes() => Warsaw().Validate();

    [Fact]
    public void Validate_DefaultCalendar_Passes() => OurCalendar.Default.Validate();

    [Fact]
    public void Validate_OverlappingIntervals_NamesTheWeekday()
    {
        var calendar = Ours() with { WorkingHours = Office.With(IsoDayOfWeek.Monday, TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(12, 0, 14, 0)) };
        var error = Assert.Throws<AgreementRuleException>(calendar.Validate);
        Assert.Equal("workingHours.monday", error.Field);
        Assert.Equal("hours.overlap", error.Rule);
    }

    [Fact]
    public void Validate_InvertedInterval_NamesTheWeekday()
    {
        var calendar = Ours() with { WorkingHours = Office.With(IsoDayOfWeek.Tuesday, new TimeOfDayRange(new LocalTime(13, 0), new LocalTime(9, 0))) };
        var error = Assert.Throws<AgreementRuleException>(calendar.Validate);
        Assert.Equal("workingHours.tuesday", error.Field);
        Assert.Equal("hours.inverted", error.Rule);
        Assert.Contains("Tuesday", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NightShiftOverlappingNextMorning_NamesTheDayItStarts()
    {
        var hours = Office.With(IsoDayOfWeek.Friday, TimeOfDayRange.Of(22, 0, 2, 0)).With(IsoDayOfWeek.Saturday, TimeOfDayRange.Of(1, 0, 3, 0));
        var error = Assert.Throws<AgreementRuleException>((Warsaw() with { ContactHours = hours }).Validate);
        Assert.Equal("contactHours.friday", error.Field);
    }

    [Fact]
    public void Validate_MistypedZone_SuggestsTheClosest()
    {
        var error = Assert.Throws<AgreementRuleException>((Warsaw() with { ClientTimeZone = "Europe/Warsow" }).Validate);
        Assert.Equal("clientTimeZone", error.Field);
        Assert.Equal("Europe/Warsaw", error.Suggestions[0]);
        Assert.Contains("Europe/Warsaw", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Warsaw", "Europe/Warsaw")]
    [InlineData("warszawa", "Europe/Warsaw")]
    [InlineData("Варшава", "Europe/Warsaw")]
    [InlineData("Sofia", "Europe/Sofia")]
    [InlineData("Kyiv", "Europe/Kyiv")]
    [InlineData("Kiev", "Europe/Kyiv")]
    [InlineData("new york", "America/New_York")]
    [InlineData("Kathmandu", "Asia/Kathmandu")]
    public void TimeZoneSearch_ByCity_FindsTheZone(string query, string zone) =>
        Assert.Equal(zone, TimeZoneSearch.Find(query)[0].ZoneId);

    [Fact]
    public void Validate_CalendarWithoutHours_IsRejectedSayingWhy()
    {
        var error = Assert.Throws<AgreementRuleException>((Ours() with { WorkingHours = WeeklyHours.None }).Validate);
        Assert.Equal("calendar.no-working-hours", error.Rule);
        Assert.Equal("workingHours", error.Field);
        Assert.Contains("could ever be answered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MistypedCalendarZone_NamesTimeZone() =>
        Assert.Equal("timeZone", Assert.Throws<AgreementRuleException>((Ours() with { TimeZone = "Europe/Warsow" }).Validate).Field);

    [Fact]
    public void Validate_PreferredChannelNotAccepted_NamesTheField()
    {
        var error = Assert.Throws<AgreementRuleException>((Warsaw() with { Channels = new([ChannelKind.Email], ChannelKind.Viber) }).Validate);
        Assert.Equal("channels.preferred", error.Field);
    }

    [Fact]
    public void Validate_UnknownLanguage_IsRejected() =>
        Assert.Equal("language", Assert.Throws<AgreementRuleException>((Warsaw() with { Language = "de" }).Validate).Field);

    [Fact]
    public void AgreementRuleException_IsADomainRuleException() =>
        Assert.IsAssignableFrom<DomainRuleException>(new AgreementRuleException("r", "m", "f"));
}
