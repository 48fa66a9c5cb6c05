using System.Globalization;
using NodaTime;

namespace Liaison.Core.Acknowledgements;

/// <summary>A unit counted in client-facing text.</summary>
public enum CountedUnit
{
    Minute,
    Hour,
    Day,
    WorkingMinute,
    WorkingHour,
    WorkingDay,
}

/// <summary>
/// The words of one client language: weekday and month names in the forms sentences need, "today",
/// "tomorrow", and counted units with their plural forms.
/// </summary>
/// <remarks>
/// A table, not <see cref="CultureInfo"/>: ICU gives correct nominative and genitive month names for
/// pl, ru and bg, but sentences also need weekdays in the accusative with the right preposition
/// ("w środę", "we wtorek", "в среду", "во вторник", "във вторник"), which no culture data holds;
/// and a table keeps the text identical on a host running with invariant globalization. A test
/// checks the month names against ICU where it is present.
/// Counted units come in the case the default sentences use: after "za"/"через"/"in" ("za 1 godzinę")
/// for elapsed units, after "w ciągu"/"в течение"/"within" for working units ("w ciągu 4 godzin roboczych").
/// </remarks>
public sealed class Wording
{
    private readonly string[] _on;        // "on Monday", Monday first
    private readonly string[] _every;     // "every Monday", Monday first
    private readonly string[] _weekdays;  // nominative, Monday first
    private readonly string[] _months;    // the form used after a day number: "3 marca", "3 март"
    private readonly Func<CountedUnit, decimal, string> _unit;

    private Wording(string language, string[] on, string[] every, string[] weekdays, string[] months, string today, string tomorrow, Func<CountedUnit, decimal, string> unit)
    {
        Language = language;
        _on = on;
        _every = every;
        _weekdays = weekdays;
        _months = months;
        Today = today;
        Tomorrow = tomorrow;
        _unit = unit;
    }

    public string Language { get; }
    public string Today { get; }
    public string Tomorrow { get; }

    /// <summary>The wording of a language: en, pl, ru or bg.</summary>
    public static Wording For(string language) => language switch
    {
        "pl" => Polish,
        "ru" => Russian,
        "bg" => Bulgarian,
        "en" => English,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Client languages are en, pl, ru and bg."),
    };

    /// <summary>"on Monday", "w poniedziałek", "во вторник", "във вторник".</summary>
    public string OnWeekday(IsoDayOfWeek day) => _on[(int)day - 1];

    /// <summary>"every Monday", "w każdą środę", "каждую пятницу", "всеки петък": the gender of the weekday decides the form.</summary>
    public string EveryWeekday(IsoDayOfWeek day) => _every[(int)day - 1];

    /// <summary>The weekday's name, capitalised, for the start of a line ("Poniedziałek").</summary>
    public string WeekdayTitle(IsoDayOfWeek day) => Capitalise(_weekdays[(int)day - 1]);

    /// <summary>The weekday's name as it stands in a sentence ("poniedziałek", "Monday").</summary>
    public string Weekday(IsoDayOfWeek day) => _weekdays[(int)day - 1];

    /// <summary>"3 March", "3 marca", "3 марта", "3 март", with the year when <paramref name="withYear"/>.</summary>
    public string DayAndMonth(LocalDate date, bool withYear) => Language switch
    {
        "pl" => $"{date.Day} {_months[date.Month - 1]}{(withYear ? $" {date.Year} r." : "")}",
        "ru" or "bg" => $"{date.Day} {_months[date.Month - 1]}{(withYear ? $" {date.Year} г." : "")}",
        _ => $"{date.Day} {_months[date.Month - 1]}{(withYear ? $" {date.Year}" : "")}",
    };

    /// <summary>The month name after a day number (genitive in pl and ru).</summary>
    public string MonthAfterDay(int month) => _months[month - 1];

    /// <summary>24-hour time; Bulgarian writes "ч." after it.</summary>
    public string Time(LocalTime time) => Language == "bg" ? $"{time:HH:mm} ч." : time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A time range "09:00–13:00" (Bulgarian "09:00–13:00 ч.").</summary>
    public string TimeRange(LocalTime start, LocalTime end) =>
        $"{start.ToString("HH:mm", CultureInfo.InvariantCulture)}–{end.ToString("HH:mm", CultureInfo.InvariantCulture)}{(Language == "bg" ? " ч." : "")}";

    /// <summary>A number as the language writes it (decimal comma in pl, ru, bg).</summary>
    public string Number(decimal value)
    {
        var text = value.ToString("0.##", CultureInfo.InvariantCulture);
        return Language == "en" ? text : text.Replace('.', ',');
    }

    /// <summary>"5 hours", "5 godzin", "5 часов", "5 часа": the count and the unit in the right plural form.</summary>
    public string Count(decimal count, CountedUnit unit) => $"{Number(count)} {_unit(unit, count)}";

    /// <summary>Just the unit's form for the count ("часов").</summary>
    public string UnitFor(decimal count, CountedUnit unit) => _unit(unit, count);

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    public static Wording English { get; } = new("en",
        ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"],
        ["every Monday", "every Tuesday", "every Wednesday", "every Thursday", "every Friday", "every Saturday", "every Sunday"],
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        "today", "tomorrow",
        (unit, n) => unit switch
        {
            CountedUnit.Minute => PluralRules.Form("en", n, "minute", "minutes"),
            CountedUnit.Hour => PluralRules.Form("en", n, "hour", "hours"),
            CountedUnit.Day => PluralRules.Form("en", n, "day", "days"),
            CountedUnit.WorkingMinute => PluralRules.Form("en", n, "working minute", "working minutes"),
            CountedUnit.WorkingHour => PluralRules.Form("en", n, "working hour", "working hours"),
            _ => PluralRules.Form("en", n, "working day", "working days"),
        });

    public static Wording Polish { get; } = new("pl",
        ["w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę"],
        ["w każdy poniedziałek", "w każdy wtorek", "w każdą środę", "w każdy czwartek", "w każdy piątek", "w każdą sobotę", "w każdą niedzielę"],
        ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"],
        ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
        "dziś", "jutro",
        (unit, n) => unit switch
        {
            // Accusative after "za" ("za 1 godzinę, za 2 godziny, za 5 godzin").
            CountedUnit.Minute => PluralRules.Form("pl", n, "minutę", "minuty", "minuty", "minut"),
            CountedUnit.Hour => PluralRules.Form("pl", n, "godzinę", "godziny", "godziny", "godzin"),
            CountedUnit.Day => PluralRules.Form("pl", n, "dzień", "dnia", "dni", "dni"),
            // Genitive after "w ciągu" ("w ciągu 1 godziny roboczej, 4 godzin roboczych, 1,5 dnia roboczego").
            CountedUnit.WorkingMinute => PluralRules.Form("pl", n, "minuty roboczej", "minuty roboczej", "minut roboczych", "minut roboczych"),
            CountedUnit.WorkingHour => PluralRules.Form("pl", n, "godziny roboczej", "godziny roboczej", "godzin roboczych", "godzin roboczych"),
            _ => PluralRules.Form("pl", n, "dnia roboczego", "dnia roboczego", "dni roboczych", "dni roboczych"),
        });

    public static Wording Russian { get; } = new("ru",
        ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"],
        ["каждый понедельник", "каждый вторник", "каждую среду", "каждый четверг", "каждую пятницу", "каждую субботу", "каждое воскресенье"],
        ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"],
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
        "сегодня", "завтра",
        (unit, n) => unit switch
        {
            // Accusative after "через" ("через 1 минуту, 2 минуты, 5 минут; через 21 час").
            CountedUnit.Minute => PluralRules.Form("ru", n, "минуту", "минуты", "минуты", "минут"),
            CountedUnit.Hour => PluralRules.Form("ru", n, "час", "часа", "часа", "часов"),
            CountedUnit.Day => PluralRules.Form("ru", n, "день", "дня", "дня", "дней"),
            // Genitive after "в течение" ("в течение 1 рабочего часа, 4 рабочих часов, 1,5 рабочего дня").
            CountedUnit.WorkingMinute => PluralRules.Form("ru", n, "рабочей минуты", "рабочей минуты", "рабочих минут", "рабочих минут"),
            CountedUnit.WorkingHour => PluralRules.Form("ru", n, "рабочего часа", "рабочего часа", "рабочих часов", "рабочих часов"),
            _ => PluralRules.Form("ru", n, "рабочего дня", "рабочего дня", "рабочих дней", "рабочих дней"),
        });

    public static Wording Bulgarian { get; } = new("bg",
        ["в понеделник", "във вторник", "в сряда", "в четвъртък", "в петък", "в събота", "в неделя"],
        ["всеки понеделник", "всеки вторник", "всяка сряда", "всеки четвъртък", "всеки петък", "всяка събота", "всяка неделя"],
        ["понеделник", "вторник", "сряда", "четвъртък", "петък", "събота", "неделя"],
        ["януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември"],
        "днес", "утре",
        (unit, n) => unit switch
        {
            // Masculine nouns take the count form after a number other than 1 ("2 часа", "21 часа").
            CountedUnit.Minute => PluralRules.Form("bg", n, "минута", "минути"),
            CountedUnit.Hour => PluralRules.Form("bg", n, "час", "часа"),
            CountedUnit.Day => PluralRules.Form("bg", n, "ден", "дни"),
            CountedUnit.WorkingMinute => PluralRules.Form("bg", n, "работна минута", "работни минути"),
            CountedUnit.WorkingHour => PluralRules.Form("bg", n, "работен час", "работни часа"),
            _ => PluralRules.Form("bg", n, "работен ден", "работни дни"),
        });
}
