using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Core.Tests.Promises;

/// <summary>Calendars and agreements the promise tests share.</summary>
internal static class Calendars
{
    public static readonly TimeOfDayRange Morning = TimeOfDayRange.Of(9, 0, 13, 0);
    public static readonly TimeOfDayRange Afternoon = TimeOfDayRange.Of(14, 0, 18, 0);
    public static readonly WeeklyHours Office = WeeklyHours.Weekdays(Morning, Afternoon);

    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    /// <summary>A local date-time in a zone, as an instant ("2025-03-07T19:30").</summary>
    public static Instant At(string zone, string local) =>
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Parse(local).Value.InZoneStrictly(Zone(zone)).ToInstant();

    public static string Local(Instant instant, string zone) =>
        LocalDateTimePattern.GeneralIso.Format(instant.InZone(Zone(zone)).LocalDateTime);

    /// <summary>Our calendar in Warsaw: office hours Monday to Friday, no days off, no check windows.</summary>
    public static OurCalendar Ours() => new()
    {
        Version = 1,
        TimeZone = "Europe/Warsaw",
        WorkingHours = Office,
        EffectiveFrom = Instant.FromUtc(2025, 1, 1, 0, 0),
    };

    /// <summary>A client in Sofia, written to in English.</summary>
    public static Agreement Warsaw(Action<Agreement>? _ = null) => new()
    {
        ClientTimeZone = "Europe/Sofia",
        Channels = new([ChannelKind.Email, ChannelKind.Telegram, ChannelKind.Phone], ChannelKind.Email, "e-mail keeps decisions in writing"),
        EffectiveFrom = Instant.FromUtc(2025, 1, 1, 0, 0),
        ResponsibleMemberId = 7,
    };
}
