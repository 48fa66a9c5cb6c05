using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Components.Shared;

/// <summary>Instants as the owner reads them: in the browser's time zone, relative when recent.</summary>
public static class Times
{
    private static readonly LocalDateTimePattern InputPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");
    private static readonly LocalDateTimePattern InputPatternSeconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss");

    /// <summary>The browser's zone from its IANA id; an unknown id falls back to the fixed offset it reported.</summary>
    public static DateTimeZone Zone(string? id, int offsetMinutes) =>
        id is { Length: > 0 } && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone
            ? zone
            : DateTimeZone.ForOffset(Offset.FromSeconds(offsetMinutes * 60));

    /// <summary>"just now", "5 min ago", "2 h ago", "yesterday", "Mon 14:05", "12 Mar", "12 Mar 2024".</summary>
    public static string Ago(Instant at, Instant now, DateTimeZone zone)
    {
        var elapsed = now - at;
        if (elapsed < Duration.FromMinutes(1) && elapsed > -Duration.FromMinutes(1)) return "just now";
        if (elapsed > Duration.Zero && elapsed < Duration.FromHours(1)) return $"{(int)elapsed.TotalMinutes} min ago";
        if (elapsed > Duration.Zero && elapsed < Duration.FromHours(12)) return $"{(int)elapsed.TotalHours} h ago";
        var local = at.InZone(zone).LocalDateTime;
        var today = now.InZone(zone).Date;
        if (local.Date == today) return local.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (local.Date == today.PlusDays(-1)) return "yesterday";
        if (local.Date > today.PlusDays(-7) && local.Date < today) return local.ToString("ddd HH:mm", CultureInfo.InvariantCulture);
        return local.Year == today.Year
            ? local.ToString("d MMM", CultureInfo.InvariantCulture)
            : local.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>Full local date and time, for a tooltip or a timeline item: "Mon, 12 Mar 2026, 14:05".</summary>
    public static string Full(Instant at, DateTimeZone zone) =>
        at.InZone(zone).LocalDateTime.ToString("ddd, d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    public static string Date(Instant at, DateTimeZone zone) =>
        at.InZone(zone).Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Clock(Instant at, DateTimeZone zone) =>
        at.InZone(zone).LocalDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"Today", "Yesterday", "Monday, 9 March", "9 March 2024": the timeline's day headings.</summary>
    public static string Day(Instant at, Instant now, DateTimeZone zone)
    {
        var date = at.InZone(zone).Date;
        var today = now.InZone(zone).Date;
        if (date == today) return "Today";
        if (date == today.PlusDays(-1)) return "Yesterday";
        if (date > today.PlusDays(-7) && date < today) return date.ToString("dddd, d MMMM", CultureInfo.InvariantCulture);
        return date.ToString(date.Year == today.Year ? "dddd, d MMMM" : "d MMMM yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>The value of an &lt;input type="datetime-local"&gt; for <paramref name="at"/> in <paramref name="zone"/>.</summary>
    public static string ToInput(Instant at, DateTimeZone zone) => InputPattern.Format(at.InZone(zone).LocalDateTime);

    /// <summary>
    /// Reads an &lt;input type="datetime-local"&gt; value as a local time in <paramref name="zone"/>. A time
    /// skipped by a clock change moves forward, an ambiguous one takes the earlier instant.
    /// </summary>
    public static Instant? FromInput(string? value, DateTimeZone zone)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parsed = InputPattern.Parse(value.Trim());
        if (!parsed.Success) parsed = InputPatternSeconds.Parse(value.Trim());
        return parsed.Success ? parsed.Value.InZoneLeniently(zone).ToInstant() : null;
    }

    /// <summary>Two letters for an avatar, from the name's own words: a legal form ("ООО", "sp. z o.o.") is skipped.</summary>
    public static string Initials(string name)
    {
        var parts = Liaison.Core.Clients.LegalForms.NameWords(name).Where(w => char.IsLetterOrDigit(w[0]));
        var letters = parts.Take(2).Select(p => char.ToUpperInvariant(p[0]));
        var text = string.Concat(letters);
        return text.Length == 0 ? "?" : text;
    }

    /// <summary>"today", "tomorrow", "yesterday", else "Mon 12 Mar": the day of <paramref name="at"/> in <paramref name="zone"/>, said against now.</summary>
    public static string RelativeDay(Instant at, Instant now, DateTimeZone zone)
    {
        var date = at.InZone(zone).Date;
        var today = now.InZone(zone).Date;
        if (date == today) return "today";
        if (date == today.PlusDays(1)) return "tomorrow";
        if (date == today.PlusDays(-1)) return "yesterday";
        return date.ToString(date.Year == today.Year ? "ddd d MMM" : "ddd d MMM yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>"in 40 min", "in 3 h 5 min", "in 2 days": how long until <paramref name="at"/>.</summary>
    public static string Until(Instant at, Instant now)
    {
        var minutes = (long)Math.Ceiling((at - now).TotalMinutes);
        return minutes switch
        {
            <= 0 => "now",
            < 60 => $"in {minutes} min",
            < 48 * 60 => minutes % 60 == 0 ? $"in {minutes / 60} h" : $"in {minutes / 60} h {minutes % 60} min",
            _ => $"in {minutes / (24 * 60)} days",
        };
    }

    /// <summary>The city of an IANA zone as people say it: "Europe/Moscow" → "Moscow", "America/New_York" → "New York"; a fixed offset as itself.</summary>
    public static string City(string zoneId)
    {
        var slash = zoneId.LastIndexOf('/');
        return (slash < 0 ? zoneId : zoneId[(slash + 1)..]).Replace('_', ' ');
    }

    /// <summary>
    /// Where a client is, against the owner: "Moscow · 22:13, +2 h", "Sofia · 21:13, same time",
    /// "Kolkata · 01:43, +4:30 h". The difference is the zones' offsets now, so it follows clock changes.
    /// </summary>
    public static string ZoneLine(string zoneId, Instant now, DateTimeZone ownerZone)
    {
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is not { } zone) return zoneId;
        var local = now.InZone(zone);
        var difference = local.Offset - ownerZone.GetUtcOffset(now);
        var minutes = (int)(difference.Milliseconds / 60_000);
        var sign = minutes < 0 ? "−" : "+";
        var abs = Math.Abs(minutes);
        var shift = minutes == 0 ? "same time" : abs % 60 == 0 ? $"{sign}{abs / 60} h" : $"{sign}{abs / 60}:{abs % 60:00} h";
        return $"{City(zone.Id)} · {local.ToString("HH:mm", CultureInfo.InvariantCulture)}, {shift}";
    }
}
