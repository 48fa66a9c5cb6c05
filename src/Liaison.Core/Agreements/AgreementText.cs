using Liaison.Core.Acknowledgements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>
/// Terms of an agreement put into words of a client language, shared by the "how we work together"
/// document and the list of changes between versions.
/// </summary>
internal sealed class AgreementText(string language, SpeakingAs speakingAs = SpeakingAs.We)
{
    private static readonly Dictionary<string, string[]> Labels = new()
    {
        // key: en, pl, ru, bg
        ["title"] = ["How we work together", "Jak współpracujemy", "Как мы работаем вместе", "Как работим заедно"],
        ["workingHours"] = ["When we work (your time)", "Kiedy pracujemy (według Państwa czasu)", "Когда мы работаем (по Вашему времени)", "Кога работим (по Вашето време)"],
        ["contactHours"] = ["When we may write to you (your time)", "Kiedy możemy do Państwa pisać (według Państwa czasu)", "Когда мы можем Вам писать (по Вашему времени)", "Кога можем да Ви пишем (по Вашето време)"],
        ["channels"] = ["Where we talk", "Gdzie rozmawiamy", "Где мы общаемся", "Къде общуваме"],
        ["preferred"] = ["Preferred", "Preferowany kanał", "Предпочтительный канал", "Предпочитан канал"],
        ["accepted"] = ["Also accepted", "Akceptujemy też", "Также принимаем", "Приемаме също"],
        ["responseTimes"] = ["How fast we answer", "Jak szybko odpowiadamy", "Как быстро мы отвечаем", "Колко бързо отговаряме"],
        ["within"] = ["within", "w ciągu", "в течение", "в рамките на"],
        ["urgent"] = ["urgent", "pilne", "срочные", "спешни"],
        ["anyChannel"] = ["other channels", "pozostałe kanały", "другие каналы", "други канали"],
        ["allChannels"] = ["all channels", "wszystkie kanały", "все каналы", "всички канали"],
        ["roundTheClock"] = ["On duty 24/7", "Dyżur 24/7", "Дежурство 24/7", "Дежурство 24/7"],
        ["reports"] = ["Progress reports", "Raporty z postępów", "Отчёты о ходе работ", "Отчети за напредъка"],
        ["daily"] = ["Daily at", "Codziennie o", "Ежедневно в", "Всеки ден в"],
        ["at"] = ["at", "o", "в", "в"],
        ["and"] = ["and", "i", "и", "и"],
        ["stage"] = ["At each stage change", "Po każdej zmianie etapu", "При каждой смене этапа", "При всяка смяна на етапа"],
        ["noReports"] = ["On request", "Na życzenie", "По запросу", "При поискване"],
        ["daysOff"] = ["Days off ahead", "Najbliższe dni wolne", "Ближайшие выходные дни", "Предстоящи почивни дни"],
        ["noDaysOff"] = ["None planned", "Brak zaplanowanych", "Не запланированы", "Няма планирани"],
        ["responsible"] = ["Your contact person", "Osoba kontaktowa", "Ваше контактное лицо", "Вашето лице за контакт"],
        ["files"] = ["Files", "Pliki", "Файлы", "Файлове"],
        ["files.Attachment"] = ["sent as attachments", "wysyłamy jako załączniki", "отправляем вложениями", "изпращаме като прикачени файлове"],
        ["files.Link"] = ["shared as links", "udostępniamy jako linki", "отправляем ссылками", "споделяме като връзки"],
        ["voice"] = ["Voice messages", "Wiadomości głosowe", "Голосовые сообщения", "Гласови съобщения"],
        ["voice.Accept"] = ["welcome", "przyjmujemy", "принимаем", "приемаме"],
        ["voice.AskForWrittenSummary"] = ["welcome, with a short written summary", "przyjmujemy, z krótkim podsumowaniem na piśmie", "принимаем, с кратким изложением текстом", "приемаме, с кратко писмено резюме"],
        // The document's line is a request to the client, not a description of what we do.
        ["voiceLine.Accept"] = ["Voice messages are welcome", "Wiadomości głosowe przyjmujemy", "Голосовые сообщения принимаем", "Приемаме гласови съобщения"],
        ["voiceLine.AskForWrittenSummary"] = ["Voice messages are welcome; please add a short written summary", "Wiadomości głosowe przyjmujemy. Prosimy też o krótkie podsumowanie na piśmie", "Голосовые сообщения принимаем. Просим кратко продублировать суть текстом", "Приемаме ги, но молим и за кратко писмено резюме"],
        ["none"] = ["none", "brak", "нет", "няма"],
        ["ourTimeZone"] = ["Our time zone", "Nasza strefa czasowa", "Наш часовой пояс", "Нашата часова зона"],
        ["clientTimeZone"] = ["Your time zone", "Państwa strefa czasowa", "Ваш часовой пояс", "Вашата часова зона"],
        ["checkWindows"] = ["When we read messages", "Kiedy czytamy wiadomości", "Когда мы читаем сообщения", "Кога четем съобщенията"],
        ["language"] = ["Language", "Język", "Язык", "Език"],
        ["speakingAs"] = ["Speaking as", "Piszemy jako", "Пишем от лица", "Пишем от името на"],
        ["speakingAs.I"] = ["I", "ja", "я", "аз"],
        ["speakingAs.We"] = ["we", "my", "мы", "ние"],
        ["responsibleMember"] = ["Contact person", "Osoba kontaktowa", "Контактное лицо", "Лице за контакт"],
        ["acknowledgements"] = ["Automatic acknowledgements", "Automatyczne potwierdzenia", "Автоматические подтверждения", "Автоматични потвърждения"],
        ["ack.on"] = ["on", "włączone", "включены", "включени"],
        ["ack.off"] = ["off", "wyłączone", "выключены", "изключени"],
        ["ack.offOn"] = ["not on", "bez kanałów", "кроме каналов", "без каналите"],
        ["ack.threshold"] = ["when the answer is further away than", "gdy odpowiedź będzie później niż za", "если ответ позже чем через", "когато отговорът е след повече от"],
        ["ack.delay"] = ["sent after", "wysyłane po", "отправляются через", "изпращат се след"],
        ["ack.period"] = ["once per conversation within", "raz na rozmowę w ciągu", "одно на разговор в течение", "по едно на разговор в рамките на"],
        ["ack.cap"] = ["at most per sender a day", "najwyżej dziennie na nadawcę", "не больше в день на отправителя", "най-много на ден за подател"],
        ["ch.email"] = ["E-mail", "E-mail", "Электронная почта", "Имейл"],
        ["ch.phone"] = ["Phone", "Telefon", "Телефон", "Телефон"],
        ["ch.meeting"] = ["Meeting", "Spotkanie", "Встреча", "Среща"],
        ["ch.other"] = ["Other", "Inne", "Другое", "Друго"],
        ["ch.telegram"] = ["Telegram", "Telegram", "Telegram", "Telegram"],
        ["ch.whatsapp"] = ["WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp"],
        ["ch.viber"] = ["Viber", "Viber", "Viber", "Viber"],
        ["ch.messenger"] = ["Messenger", "Messenger", "Messenger", "Messenger"],
    };

    // The first person singular where it differs from "we" (seed: a freelancer alone is "I").
    private static readonly Dictionary<string, string[]> SingularLabels = new()
    {
        ["workingHours"] = ["When I work (your time)", "Kiedy pracuję (według Państwa czasu)", "Когда я работаю (по Вашему времени)", "Кога работя (по Вашето време)"],
        ["contactHours"] = ["When I may write to you (your time)", "Kiedy mogę do Państwa pisać (według Państwa czasu)", "Когда я могу Вам писать (по Вашему времени)", "Кога мога да Ви пиша (по Вашето време)"],
        ["accepted"] = ["Also accepted", "Akceptuję też", "Также принимаю", "Приемам също"],
        ["responseTimes"] = ["How fast I answer", "Jak szybko odpowiadam", "Как быстро я отвечаю", "Колко бързо отговарям"],
        ["files.Attachment"] = ["sent as attachments", "wysyłam jako załączniki", "отправляю вложениями", "изпращам като прикачени файлове"],
        ["files.Link"] = ["shared as links", "udostępniam jako linki", "отправляю ссылками", "споделям като връзки"],
        ["voiceLine.Accept"] = ["Voice messages are welcome", "Wiadomości głosowe przyjmuję", "Голосовые сообщения принимаю", "Приемам гласови съобщения"],
        ["voiceLine.AskForWrittenSummary"] = ["Voice messages are welcome; please add a short written summary", "Wiadomości głosowe przyjmuję. Proszę też o krótkie podsumowanie na piśmie", "Голосовые сообщения принимаю. Прошу кратко продублировать суть текстом", "Приемам ги, но моля и за кратко писмено резюме"],
        ["ourTimeZone"] = ["My time zone", "Moja strefa czasowa", "Мой часовой пояс", "Моята часова зона"],
        ["checkWindows"] = ["When I read messages", "Kiedy czytam wiadomości", "Когда я читаю сообщения", "Кога чета съобщенията"],
    };

    public Wording Words { get; } = Wording.For(language);

    public SpeakingAs SpeakingAs { get; } = speakingAs;

    public string this[string key] =>
        SpeakingAs == SpeakingAs.I && SingularLabels.TryGetValue(key, out var singular) ? singular[Index]
        : Labels.TryGetValue(key, out var forms) ? forms[Index] : key;

    private int Index => Words.Language switch { "pl" => 1, "ru" => 2, "bg" => 3, _ => 0 };

    public string Channel(ChannelKind kind) => Labels.TryGetValue("ch." + kind.Value, out var forms) ? forms[Index] : kind.Value;

    public string Ranges(IEnumerable<(LocalTime Start, LocalTime End)> ranges)
    {
        var parts = ranges.Select(r => Words.TimeRange(r.Start, r.End)).ToList();
        return parts.Count == 0 ? this["none"] : string.Join(", ", parts);
    }

    public string Ranges(IReadOnlyList<TimeOfDayRange> ranges) => Ranges(ranges.Select(r => (r.Start, r.End)));

    public string Response(ResponseRule rule)
    {
        var who = rule.Channel is { } c ? Channel(c) : this["anyChannel"];
        if (rule.Channel is null && rule.Urgency == Urgency.Urgent) who = this["urgent"];
        else if (rule.Urgency == Urgency.Urgent) who += $" ({this["urgent"]})";
        return $"{Capitalise(who)}: {Within(rule.Within)}";
    }

    public string Within(ResponseTime time)
    {
        var unit = time.Unit switch
        {
            ResponseUnit.WorkingMinutes => CountedUnit.WorkingMinute,
            ResponseUnit.WorkingHours => CountedUnit.WorkingHour,
            _ => CountedUnit.WorkingDay,
        };
        return $"{this["within"]} {Words.Count(time.Amount, unit)}";
    }

    public string Duty(RoundTheClockDuty duty)
    {
        var who = duty.Channel is { } c ? Channel(c) : this["allChannels"];
        return duty.Urgency == Urgency.Urgent ? $"{Capitalise(who)} ({this["urgent"]})" : Capitalise(who);
    }

    public string Reports(ReportCadence cadence)
    {
        var times = string.Join($" {this["and"]} ", cadence.Times.Order().Select(Words.Time));
        var main = cadence.Frequency switch
        {
            ReportFrequency.Daily => $"{this["daily"]} {times}",
            ReportFrequency.Weekly when cadence.Weekday is { } day => $"{Capitalise(Words.EveryWeekday(day))} {this["at"]} {times}",
            _ => null,
        };
        if (cadence.AtEachStageChange) return main is null ? this["stage"] : $"{main}; {Lower(this["stage"])}";
        return main ?? this["noReports"];
    }

    public string DayOff(DayOff off, LocalDate from, LocalDate last, LocalDate today)
    {
        var range = from == last
            ? $"{Words.WeekdayTitle(from.DayOfWeek)}, {Words.DayAndMonth(from, from.Year != today.Year)}"
            : from.Year == last.Year && from.Month == last.Month
                // "24–26 grudnia": within one month the month is named once.
                ? $"{from.Day}–{Words.DayAndMonth(last, last.Year != today.Year)}"
                : $"{Words.DayAndMonth(from, from.Year != last.Year || from.Year != today.Year)} – {Words.DayAndMonth(last, last.Year != today.Year || from.Year != last.Year)}";
        return off.Name is null ? range : $"{range} ({off.Name})";
    }

    public static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
}
