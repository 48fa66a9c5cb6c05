namespace Liaison.Core.Calendars;

/// <summary>
/// Names of the cities that tzdb zones are named after, in the client languages, in the grammatical
/// form a sentence needs: Polish and Russian say "in Warsaw" with a locative/prepositional case
/// ("w Warszawie", "в Варшаве"), Bulgarian adds "във" before в/ф ("във Варшава"). A small table of
/// the zones our users live in; for other zones the sentence says "our time" instead of a city.
/// </summary>
public static class CityNames
{
    private sealed record Entry(string Zone, string En, string Pl, string PlIn, string Ru, string RuIn, string Bg, params string[] Aliases);

    private static readonly Entry[] Entries =
    [
        new("Europe/Warsaw", "Warsaw", "Warszawa", "w Warszawie", "Варшава", "в Варшаве", "Варшава"),
        new("Europe/Sofia", "Sofia", "Sofia", "w Sofii", "София", "в Софии", "София"),
        new("Europe/Kyiv", "Kyiv", "Kijów", "w Kijowie", "Киев", "в Киеве", "Киев", "Kiev", "Київ"),
        new("Europe/Moscow", "Moscow", "Moskwa", "w Moskwie", "Москва", "в Москве", "Москва"),
        new("Europe/Minsk", "Minsk", "Mińsk", "w Mińsku", "Минск", "в Минске", "Минск"),
        new("Europe/Vilnius", "Vilnius", "Wilno", "w Wilnie", "Вильнюс", "в Вильнюсе", "Вилнюс"),
        new("Europe/Riga", "Riga", "Ryga", "w Rydze", "Рига", "в Риге", "Рига"),
        new("Europe/Tallinn", "Tallinn", "Tallinn", "w Tallinnie", "Таллин", "в Таллине", "Талин"),
        new("Europe/Prague", "Prague", "Praga", "w Pradze", "Прага", "в Праге", "Прага"),
        new("Europe/Vienna", "Vienna", "Wiedeń", "w Wiedniu", "Вена", "в Вене", "Виена"),
        new("Europe/Berlin", "Berlin", "Berlin", "w Berlinie", "Берлин", "в Берлине", "Берлин"),
        new("Europe/Paris", "Paris", "Paryż", "w Paryżu", "Париж", "в Париже", "Париж"),
        new("Europe/London", "London", "Londyn", "w Londynie", "Лондон", "в Лондоне", "Лондон"),
        new("Europe/Lisbon", "Lisbon", "Lizbona", "w Lizbonie", "Лиссабон", "в Лиссабоне", "Лисабон"),
        new("Europe/Madrid", "Madrid", "Madryt", "w Madrycie", "Мадрид", "в Мадриде", "Мадрид"),
        new("Europe/Rome", "Rome", "Rzym", "w Rzymie", "Рим", "в Риме", "Рим"),
        new("Europe/Amsterdam", "Amsterdam", "Amsterdam", "w Amsterdamie", "Амстердам", "в Амстердаме", "Амстердам"),
        new("Europe/Helsinki", "Helsinki", "Helsinki", "w Helsinkach", "Хельсинки", "в Хельсинки", "Хелзинки"),
        new("Europe/Bucharest", "Bucharest", "Bukareszt", "w Bukareszcie", "Бухарест", "в Бухаресте", "Букурещ"),
        new("Europe/Belgrade", "Belgrade", "Belgrad", "w Belgradzie", "Белград", "в Белграде", "Белград"),
        new("Europe/Chisinau", "Chișinău", "Kiszyniów", "w Kiszyniowie", "Кишинёв", "в Кишинёве", "Кишинев", "Chisinau"),
        new("Europe/Istanbul", "Istanbul", "Stambuł", "w Stambule", "Стамбул", "в Стамбуле", "Истанбул"),
        new("Asia/Tbilisi", "Tbilisi", "Tbilisi", "w Tbilisi", "Тбилиси", "в Тбилиси", "Тбилиси"),
        new("Asia/Yerevan", "Yerevan", "Erywań", "w Erywaniu", "Ереван", "в Ереване", "Ереван"),
        new("Asia/Dubai", "Dubai", "Dubaj", "w Dubaju", "Дубай", "в Дубае", "Дубай"),
        new("Asia/Kathmandu", "Kathmandu", "Katmandu", "w Katmandu", "Катманду", "в Катманду", "Катманду"),
        new("America/New_York", "New York", "Nowy Jork", "w Nowym Jorku", "Нью-Йорк", "в Нью-Йорке", "Ню Йорк"),
        new("America/Chicago", "Chicago", "Chicago", "w Chicago", "Чикаго", "в Чикаго", "Чикаго"),
        new("America/Los_Angeles", "Los Angeles", "Los Angeles", "w Los Angeles", "Лос-Анджелес", "в Лос-Анджелесе", "Лос Анджелис"),
        new("America/Toronto", "Toronto", "Toronto", "w Toronto", "Торонто", "в Торонто", "Торонто"),
        new("Australia/Lord_Howe", "Lord Howe Island", "Wyspa Lorda Howe’a", "na Wyspie Lorda Howe’a", "остров Лорд-Хау", "на острове Лорд-Хау", "остров Лорд Хау"),
    ];

    /// <summary>The city's name in a language (nominative), or null when the zone is not in the table.</summary>
    public static string? Name(string zoneId, string language) => Find(zoneId) is { } e
        ? language switch { "pl" => e.Pl, "ru" => e.Ru, "bg" => e.Bg, _ => e.En }
        : null;

    /// <summary>"in Warsaw" / "w Warszawie" / "в Варшаве" / "във Варшава", or null when the zone is not in the table.</summary>
    public static string? InCity(string zoneId, string language)
    {
        if (Find(zoneId) is not { } e) return null;
        return language switch
        {
            "pl" => e.PlIn,
            "ru" => e.RuIn,
            // Bulgarian writes "във" before a word starting with в or ф; an island takes "на".
            "bg" => e.Bg.StartsWith("остров", StringComparison.Ordinal) ? "на " + e.Bg
                : e.Bg[0] is 'В' or 'в' or 'Ф' or 'ф' ? "във " + e.Bg : "в " + e.Bg,
            _ => e.Zone.StartsWith("Australia/Lord", StringComparison.Ordinal) ? "on " + e.En : "in " + e.En,
        };
    }

    /// <summary>Every name a city is known by in the table, for search: (zone id, name).</summary>
    internal static IEnumerable<(string Zone, string Name)> AllNames()
    {
        foreach (var e in Entries)
        {
            yield return (e.Zone, e.En);
            yield return (e.Zone, e.Pl);
            yield return (e.Zone, e.Ru);
            yield return (e.Zone, e.Bg);
            foreach (var alias in e.Aliases) yield return (e.Zone, alias);
        }
    }

    private static Entry? Find(string zoneId)
    {
        foreach (var e in Entries)
            if (e.Zone == zoneId) return e;
        // Old ids such as Europe/Kiev name the same zone.
        if (NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(zoneId, out var canonical) && canonical != zoneId)
            foreach (var e in Entries)
                if (e.Zone == canonical) return e;
        return null;
    }
}
