using System.Globalization;
using System.Text;
using NodaTime.TimeZones;

namespace Liaison.Core.Calendars;

/// <summary>A time zone found for a search: its tzdb id and the city that names it.</summary>
public sealed record TimeZoneMatch(string ZoneId, string City);

/// <summary>
/// Finds tzdb zones by id or by city, for a picker and for "did you mean" on a mistyped id:
/// "Warsaw", "warszawa", "Варшава" and "Europe/Warsow" all find Europe/Warsaw; "Kiev" and "Kyiv"
/// find Europe/Kyiv. Old ids are answered with the current one.
/// </summary>
/// <remarks>
/// Matching ignores case, diacritics, spaces and underscores. Order: exact id, exact city, city
/// starting with the query, city or id containing it, then ids and cities within a small edit
/// distance (typos), closest first.
/// </remarks>
public static class TimeZoneSearch
{
    private static readonly Lazy<(string Zone, string City, string Key)[]> Candidates = new(Build);

    /// <summary>Zones matching <paramref name="query"/>, best first, at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<TimeZoneMatch> Find(string query, int max = 10)
    {
        var q = Normalise(query ?? "");
        if (q.Length == 0 || max <= 0) return [];
        var scored = new Dictionary<string, (int Score, string City)>();
        foreach (var (zone, city, key) in Candidates.Value)
        {
            var score = Score(q, key, Normalise(city));
            if (score < 0) continue;
            if (!scored.TryGetValue(zone, out var best) || score < best.Score) scored[zone] = (score, city);
        }
        return scored.OrderBy(p => p.Value.Score).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(max).Select(p => new TimeZoneMatch(p.Key, p.Value.City)).ToList();
    }

    /// <summary>Ids of the zones closest to a mistyped id or city name.</summary>
    public static IReadOnlyList<string> Suggest(string text, int max = 5) => Find(text, max).Select(m => m.ZoneId).ToList();

    private static int Score(string q, string idKey, string cityKey)
    {
        if (q == idKey) return 0;
        if (q == cityKey) return 1;
        if (cityKey.StartsWith(q, StringComparison.Ordinal)) return 2;
        if (q.Length >= 3 && (cityKey.Contains(q, StringComparison.Ordinal) || idKey.Contains(q, StringComparison.Ordinal))) return 3;
        var allowed = Math.Max(1, q.Length / 4);
        var d = Math.Min(Distance(q, idKey, allowed), Distance(q, cityKey, allowed));
        return d <= allowed ? 10 + d : -1;
    }

    private static (string, string, string)[] Build()
    {
        var source = TzdbDateTimeZoneSource.Default;
        var list = new List<(string, string, string)>();
        foreach (var id in source.ZoneLocations?.Select(l => l.ZoneId).Concat(source.CanonicalIdMap.Keys) ?? source.CanonicalIdMap.Keys)
        {
            if (!source.CanonicalIdMap.TryGetValue(id, out var canonical)) continue;
            var slash = id.LastIndexOf('/');
            var city = (slash < 0 ? id : id[(slash + 1)..]).Replace('_', ' ');
            list.Add((canonical, city, Normalise(id)));
        }
        foreach (var (zone, name) in CityNames.AllNames())
            list.Add((zone, name, Normalise(zone)));
        return [.. list];
    }

    private static string Normalise(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c is ' ' or '_' or '-' or '.' or '\'' or '’') continue;
            sb.Append(c == 'ł' ? 'l' : c);
        }
        return sb.ToString();
    }

    // Optimal string alignment distance, giving up early once it exceeds the allowance.
    private static int Distance(string a, string b, int allowed)
    {
        if (Math.Abs(a.Length - b.Length) > allowed) return allowed + 1;
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
