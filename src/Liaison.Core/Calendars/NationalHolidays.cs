using Liaison.Core.Agreements;
using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// National public holidays offered as a starting set of days off for one year: Poland, Bulgaria,
/// Russia and Ukraine. The owner reviews and edits them; nothing here is applied on its own.
/// </summary>
/// <remarks>
/// <para>Poland comes from the PublicHoliday library (it follows the Act of 18 January 1951 on
/// non-working days, with Christmas Eve from 2025). The library has no Bulgaria, Russia or Ukraine,
/// so their rules are kept here, each with the law it comes from.</para>
/// <para>Orthodox Easter (Bulgaria, Ukraine) is computed from the Julian calendar
/// (<see cref="OrthodoxEaster"/>). Russia has no Easter holiday: it always falls on a Sunday.</para>
/// </remarks>
public static class NationalHolidays
{
    /// <summary>The countries offered, ISO 3166 codes.</summary>
    public static IReadOnlyList<string> Countries { get; } = ["PL", "BG", "RU", "UA"];

    /// <summary>The years offered: a typo like 20026 is refused rather than computed.</summary>
    public const int FirstYear = 2000, LastYear = 2100;

    /// <summary>
    /// The public holidays of <paramref name="country"/> in <paramref name="year"/>, in date order,
    /// named in English. Throws <see cref="AgreementRuleException"/> for a country or year not offered.
    /// </summary>
    public static IReadOnlyList<DayOff> For(string? country, int year)
    {
        var code = country?.Trim().ToUpperInvariant();
        if (code is null || !Countries.Contains(code))
            throw new AgreementRuleException("holidays.country", $"Public holidays are offered for {string.Join(", ", Countries)}; '{country}' is not one of them.", "country");
        if (year is < FirstYear or > LastYear)
            throw new AgreementRuleException("holidays.year", $"Public holidays are offered for the years {FirstYear}–{LastYear}; {year} is not one of them.", "year");
        var days = code switch
        {
            "PL" => Poland(year),
            "BG" => Bulgaria(year),
            "RU" => Russia(year),
            _ => Ukraine(year),
        };
        return [.. days.OrderBy(d => d.Start)];
    }

    private static IEnumerable<DayOff> Poland(int year) =>
        new PublicHoliday.PolandPublicHoliday().PublicHolidayNames(year)
            .Select(h => new DayOff(LocalDate.FromDateTime(h.Key), Name: h.Value));

    // Labour Code of Bulgaria (Кодекс на труда), art. 154(1); art. 154(2): when one of these days
    // (other than the Easter days) falls on a Saturday or Sunday, the first working day after it is
    // off. 24–26 December 2022 (Sat–Mon) thus gave 27 and 28 December.
    private static List<DayOff> Bulgaria(int year)
    {
        var fixedDays = new List<(LocalDate, string)>
        {
            (new(year, 1, 1), "New Year's Day"),
            (new(year, 3, 3), "Liberation Day"),
            (new(year, 5, 1), "Labour Day"),
            (new(year, 5, 6), "St George's Day"),
            (new(year, 5, 24), "Day of Bulgarian Education and Culture and Slavonic Literature"),
            (new(year, 9, 6), "Unification Day"),
            (new(year, 9, 22), "Independence Day"),
            (new(year, 12, 24), "Christmas Eve"),
            (new(year, 12, 25), "Christmas Day"),
            (new(year, 12, 26), "Christmas Day (second day)"),
        };
        var easter = OrthodoxEaster(year);
        var easterDays = new List<(LocalDate, string)>
        {
            (easter.PlusDays(-2), "Good Friday"),
            (easter.PlusDays(-1), "Holy Saturday"),
            (easter, "Easter Sunday"),
            (easter.PlusDays(1), "Easter Monday"),
        };
        var taken = fixedDays.Concat(easterDays).Select(d => d.Item1).ToHashSet();
        var result = fixedDays.Concat(easterDays).Select(d => new DayOff(d.Item1, Name: d.Item2)).ToList();
        foreach (var (date, name) in fixedDays.Where(d => IsWeekend(d.Item1)))
        {
            var next = date.PlusDays(1);
            while (IsWeekend(next) || taken.Contains(next)) next = next.PlusDays(1);
            taken.Add(next);
            result.Add(new DayOff(next, Name: $"{name} (moved)"));
        }
        return result;
    }

    // Labour Code of the Russian Federation (Трудовой кодекс РФ), art. 112 part 1. Part 2 moves a
    // weekend that falls on one of these days to the next working day, and the government's decree
    // for each year moves the January ones elsewhere; the decree is published in autumn, so those
    // moves are not offered here: check the year's decree and add them.
    private static DayOff[] Russia(int year) =>
    [
        new(new LocalDate(year, 1, 1), new LocalDate(year, 1, 6), "New Year holidays"),
        new(new LocalDate(year, 1, 7), Name: "Christmas"),
        new(new LocalDate(year, 1, 8), Name: "New Year holidays"),
        new(new LocalDate(year, 2, 23), Name: "Defender of the Fatherland Day"),
        new(new LocalDate(year, 3, 8), Name: "International Women's Day"),
        new(new LocalDate(year, 5, 1), Name: "Spring and Labour Day"),
        new(new LocalDate(year, 5, 9), Name: "Victory Day"),
        new(new LocalDate(year, 6, 12), Name: "Russia Day"),
        new(new LocalDate(year, 11, 4), Name: "Unity Day"),
    ];

    // Labour Code of Ukraine (Кодекс законів про працю), art. 73, as amended in 2023 (Christmas on
    // 25 December instead of 7 January, Statehood Day on 15 July, Defenders' Day on 1 October, the
    // Day of Remembrance and Victory on 8 May instead of 9 May). Easter and Trinity follow the
    // Orthodox Easter. While martial law is in force art. 73 does not apply (Law No. 2136-IX of
    // 15 March 2022, art. 6): these are working days, and the owner decides whether to take them.
    private static DayOff[] Ukraine(int year)
    {
        var easter = OrthodoxEaster(year);
        return
        [
            new(new LocalDate(year, 1, 1), Name: "New Year's Day"),
            new(new LocalDate(year, 3, 8), Name: "International Women's Day"),
            new(easter, Name: "Easter"),
            new(easter.PlusDays(49), Name: "Trinity"),
            new(new LocalDate(year, 5, 1), Name: "Labour Day"),
            new(new LocalDate(year, 5, 8), Name: "Day of Remembrance and Victory"),
            new(new LocalDate(year, 6, 28), Name: "Constitution Day"),
            new(new LocalDate(year, 7, 15), Name: "Statehood Day"),
            new(new LocalDate(year, 8, 24), Name: "Independence Day"),
            new(new LocalDate(year, 10, 1), Name: "Defenders' Day"),
            new(new LocalDate(year, 12, 25), Name: "Christmas"),
        ];
    }

    /// <summary>
    /// Orthodox Easter Sunday of <paramref name="year"/> as a Gregorian date: Meeus' Julian
    /// algorithm, then the Julian date moved to the Gregorian calendar (13 days in 1900–2099).
    /// </summary>
    public static LocalDate OrthodoxEaster(int year)
    {
        var a = year % 4;
        var b = year % 7;
        var c = year % 19;
        var d = (19 * c + 15) % 30;
        var e = (2 * a + 4 * b - d + 34) % 7;
        var month = (d + e + 114) / 31;
        var day = (d + e + 114) % 31 + 1;
        return new LocalDate(year, month, day, CalendarSystem.Julian).WithCalendar(CalendarSystem.Iso);
    }

    private static bool IsWeekend(LocalDate date) => date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
}
