using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;

namespace Liaison.Core.Acknowledgements;

/// <summary>
/// The automatic reply that states a promise, in the client's language and zone:
/// "Thank you, I have your message. I will answer by 10:00 on Monday, 3 March (your time; 09:00 in Warsaw)."
/// </summary>
/// <remarks>
/// "today" and "tomorrow" are used when true in the client's zone at <c>now</c> (normally the instant
/// the message was received); otherwise the weekday and date are named, with the year only when it
/// differs from the current one.
/// </remarks>
public static class Acknowledgement
{
    /// <summary>
    /// The acknowledgement text for <paramref name="promise"/> under <paramref name="agreement"/> and our
    /// <paramref name="calendar"/> (its zone names "our time"), using <paramref name="template"/> (the
    /// language's default when null). The template is validated.
    /// </summary>
    public static string Write(Promise promise, Agreement agreement, OurCalendar calendar, Instant now, AcknowledgementTemplate? template = null)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(calendar);
        var language = agreement.Language;
        template ??= AcknowledgementTemplate.Default(language, agreement.SpeakingAs);
        template.Validate();
        var words = Wording.For(template.Language);
        var clientZone = agreement.ClientZone;
        var ourZone = calendar.Zone;
        var due = promise.Due.InZone(clientZone);
        var ours = promise.Due.InZone(ourZone);
        var today = now.InZone(clientZone).Date;
        var sameZone = clientZone.Id == ourZone.Id
            || (clientZone.GetUtcOffset(promise.Due) == ourZone.GetUtcOffset(promise.Due) && clientZone.GetUtcOffset(now) == ourZone.GetUtcOffset(now));
        var text = sameZone && template.SameZoneText is not null ? template.SameZoneText : template.Text;
        var until = promise.Due - now;
        return AcknowledgementTemplate.Fill(text, name => name switch
        {
            "deadline" => Deadline(words, due.LocalDateTime, today),
            "deadline_time" => words.Time(due.TimeOfDay),
            "deadline_our_time" => ours.Date == due.Date
                ? words.Time(ours.TimeOfDay)
                : words.Language == "en" ? $"{words.Time(ours.TimeOfDay)} {words.OnWeekday(ours.DayOfWeek)}" : $"{words.Time(ours.TimeOfDay)} ({words.Weekday(ours.DayOfWeek)})",
            "our_city" => CityNames.Name(ourZone.Id, words.Language) ?? ourZone.Id,
            "in_our_city" => CityNames.InCity(ourZone.Id, words.Language) ?? OurTimeWords(words.Language),
            "hours_until" => words.Count(HoursUntil(until), CountedUnit.Hour),
            "time_until" => TimeUntil(words, until),
            _ => "",
        });
    }

    /// <summary>
    /// The acknowledgement of a message that came on <paramref name="channel"/>: <see cref="Write"/>,
    /// followed, when the agreement does not accept that channel kind, by a polite request to write on
    /// the preferred one (seed 003: move the conversation to your channel).
    /// </summary>
    public static string WriteFor(Promise promise, Agreement agreement, OurCalendar calendar, Instant now, ChannelKind channel, AcknowledgementTemplate? template = null)
    {
        var text = Write(promise, agreement, calendar, now, template);
        return agreement.Channels.Accepted.Contains(channel) ? text : $"{text} {PreferredChannelNote(agreement)}";
    }

    /// <summary>"To keep everything in one place, please send your next messages where I answer first: E-mail — e-mail keeps decisions in writing."</summary>
    public static string PreferredChannelNote(Agreement agreement)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var t = new AgreementText(agreement.Language);
        var preferred = t.Channel(agreement.Channels.Preferred);
        var reason = string.IsNullOrWhiteSpace(agreement.Channels.PreferredReason) ? "" : $" — {agreement.Channels.PreferredReason.Trim()}";
        if (agreement.SpeakingAs == SpeakingAs.We)
            return agreement.Language switch
            {
                "pl" => $"Aby wszystko było w jednym miejscu, prosimy o kolejne wiadomości tam, gdzie odpowiadamy najszybciej: {preferred}{reason}.",
                "ru" => $"Чтобы ничего не потерялось, пожалуйста, пишите нам в дальнейшем туда, где мы отвечаем в первую очередь: {preferred}{reason}.",
                "bg" => $"За да не се изгуби нищо, моля, пишете ни занапред там, където отговаряме най-напред: {preferred}{reason}.",
                _ => $"To keep everything in one place, please send your next messages where we answer first: {preferred}{reason}.",
            };
        return agreement.Language switch
        {
            "pl" => $"Aby wszystko było w jednym miejscu, proszę o kolejne wiadomości tam, gdzie odpowiadam najszybciej: {preferred}{reason}.",
            "ru" => $"Чтобы ничего не потерялось, пожалуйста, пишите мне в дальнейшем туда, где я отвечаю в первую очередь: {preferred}{reason}.",
            "bg" => $"За да не се изгуби нищо, моля, пишете ми занапред там, където отговарям най-напред: {preferred}{reason}.",
            _ => $"To keep everything in one place, please send your next messages where I answer first: {preferred}{reason}.",
        };
    }

    /// <summary>"by 10:00 on Monday, 3 March" / "jutro do 10:00" / "в понедельник, 3 марта, до 10:00".</summary>
    public static string Deadline(Wording words, LocalDateTime due, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(words);
        var time = words.Time(due.TimeOfDay);
        var date = due.Date;
        string? relative = date == today ? words.Today : date == today.PlusDays(1) ? words.Tomorrow : null;
        var dayAndMonth = words.DayAndMonth(date, withYear: date.Year != today.Year);
        return words.Language switch
        {
            "en" => relative is null ? $"by {time} {words.OnWeekday(date.DayOfWeek)}, {dayAndMonth}" : $"by {time} {relative}",
            "pl" => relative is null ? $"{words.OnWeekday(date.DayOfWeek)}, {dayAndMonth}, do {time}" : $"{relative} do {time}",
            _ => relative is null ? $"{words.OnWeekday(date.DayOfWeek)}, {dayAndMonth}, до {time}" : $"{relative} до {time}",
        };
    }

    private static decimal HoursUntil(Duration until) =>
        until <= Duration.Zero ? 0 : (decimal)Math.Ceiling(until.TotalHours - 1e-9);

    private static string TimeUntil(Wording words, Duration until)
    {
        if (until < Duration.FromHours(1)) return words.Count(Math.Max(0, (decimal)Math.Ceiling(until.TotalMinutes - 1e-9)), CountedUnit.Minute);
        if (until < Duration.FromHours(48)) return words.Count(HoursUntil(until), CountedUnit.Hour);
        return words.Count((decimal)Math.Ceiling(until.TotalDays - 1e-9), CountedUnit.Day);
    }

    // When our city is not in the table, the aside says "our time" in words that fit each default sentence.
    private static string OurTimeWords(string language) => language switch
    {
        "pl" => "u nas",
        "ru" => "у нас",
        "bg" => "при нас",
        _ => "our time",
    };
}
