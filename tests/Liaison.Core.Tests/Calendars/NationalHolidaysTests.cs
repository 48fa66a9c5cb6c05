using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using NodaTime;
using Xunit;

namespace Liaison.Core.Tests.Calendars;

public class NationalHolidaysTests
{
    [Theory]
    [InlineData(2021, 5, 2)]
    [InlineData(2023, 4, 16)]
    [InlineData(2024, 5, 5)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 12)]
    public void OrthodoxEaster_KnownYears_IsTheChurchDate(int year, int month, int day) =>
        Assert.Equal(new LocalDate(year, month, day), NationalHolidays.OrthodoxEaster(year));

    [Fact]
    public void Poland_2025_ComesFromTheLibraryWithChristmasEve()
    {
        var days = NationalHolidays.For("pl", 2025);
        Assert.Equal(14, days.Count);
        Assert.Contains(days, d => d.Start == new LocalDate(2025, 12, 24));
        Assert.Contains(days, d => d.Start == new LocalDate(2025, 4, 21) && d.Name == "Easter Monday"); // Western Easter
        Assert.All(days, d => Assert.False(d.EveryYear));
    }

    [Fact]
    public void Bulgaria_2026_HasTheOrthodoxEasterDays()
    {
        var days = NationalHolidays.For("BG", 2026).Select(d => d.Start).ToList();
        Assert.Contains(new LocalDate(2026, 4, 10), days); // Good Friday
        Assert.Contains(new LocalDate(2026, 4, 13), days); // Easter Monday
        Assert.Contains(new LocalDate(2026, 3, 3), days);
    }

    [Fact]
    public void Bulgaria_HolidaysOnAWeekend_MoveToTheNextWorkingDays()
    {
        // 2022: 1 January a Saturday; 24–26 December Saturday to Monday.
        var days = NationalHolidays.For("BG", 2022).Select(d => d.Start).ToList();
        Assert.Contains(new LocalDate(2022, 1, 3), days);
        Assert.Contains(new LocalDate(2022, 12, 27), days);
        Assert.Contains(new LocalDate(2022, 12, 28), days);
        Assert.DoesNotContain(new LocalDate(2022, 12, 29), days);
        Assert.Equal(days.Count, days.Distinct().Count());
    }

    [Fact]
    public void Russia_2026_HasTheNewYearHolidaysAndNoEaster()
    {
        var days = NationalHolidays.For("RU", 2026);
        Assert.Contains(days, d => d.Start == new LocalDate(2026, 1, 1) && d.End == new LocalDate(2026, 1, 6));
        Assert.Contains(days, d => d.Start == new LocalDate(2026, 1, 7));
        Assert.Contains(days, d => d.Start == new LocalDate(2026, 11, 4));
        Assert.DoesNotContain(days, d => d.Start == NationalHolidays.OrthodoxEaster(2026));
    }

    [Fact]
    public void Ukraine_2026_FollowsThe2023DatesAndOrthodoxEaster()
    {
        var days = NationalHolidays.For("UA", 2026).Select(d => d.Start).ToList();
        Assert.Contains(new LocalDate(2026, 12, 25), days);
        Assert.DoesNotContain(new LocalDate(2026, 1, 7), days);
        Assert.Contains(new LocalDate(2026, 4, 12), days); // Easter
        Assert.Contains(new LocalDate(2026, 5, 31), days); // Trinity
        Assert.Contains(new LocalDate(2026, 7, 15), days);
    }

    [Theory]
    [InlineData("DE", 2026, "country")]
    [InlineData(null, 2026, "country")]
    [InlineData("PL", 20026, "year")]
    public void For_CountryOrYearNotOffered_NamesTheField(string? country, int year, string field) =>
        Assert.Equal(field, Assert.Throws<AgreementRuleException>(() => NationalHolidays.For(country, year)).Field);

    [Theory]
    [InlineData("PL")]
    [InlineData("BG")]
    [InlineData("RU")]
    [InlineData("UA")]
    public void For_EveryCountry_IsAValidStartingSet(string country)
    {
        var days = NationalHolidays.For(country, 2027);
        (OurCalendar.Default with { DaysOff = days, EffectiveFrom = Instant.FromUtc(2027, 1, 1, 0, 0) }).Validate();
        Assert.Equal(days.OrderBy(d => d.Start), days);
    }
}
