using System.Globalization;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Acknowledgements;

public class AcknowledgementTests
{
    private static readonly int[] Counts = [1, 2, 5, 21, 22, 25];

    private static string Write(string language, string receivedInWarsaw, AcknowledgementTemplate? template = null)
    {
        var agreement = Warsaw() with { Language = language };
        var received = At("Europe/Warsaw", receivedInWarsaw);
        var promise = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.Telegram, Urgency.Normal);
        return Acknowledgement.Write(promise, agreement, Ours(), received, template);
    }

    [Theory]
    [InlineData("en", "Thank you, I have your message. I will answer by 14:00 on Monday, 10 March (your time; 13:00 in Warsaw).")]
    [InlineData("pl", "Dziękuję za wiadomość. Odpowiem w poniedziałek, 10 marca, do 14:00 (według Państwa czasu; w Warszawie będzie wtedy 13:00).")]
    [InlineData("ru", "Спасибо, Ваше сообщение получено. Отвечу в понедельник, 10 марта, до 14:00 (по Вашему времени; в Варшаве будет 13:00).")]
    [InlineData("bg", "Благодаря, получих съобщението Ви. Ще отговоря в понеделник, 10 март, до 14:00 ч. (по Вашето време; във Варшава ще бъде 13:00 ч.).")]
    public void Acknowledgement_FridayEvening_NamesMondayInClientZone(string language, string expected) =>
        Assert.Equal(expected, Write(language, "2025-03-07T19:30"));

    [Theory]
    [InlineData("en", "Thank you, I have your message. I will answer by 15:10 today (your time; 14:10 in Warsaw).")]
    [InlineData("pl", "Dziękuję za wiadomość. Odpowiem dziś do 15:10 (według Państwa czasu; w Warszawie będzie wtedy 14:10).")]
    [InlineData("ru", "Спасибо, Ваше сообщение получено. Отвечу сегодня до 15:10 (по Вашему времени; в Варшаве будет 14:10).")]
    [InlineData("bg", "Благодаря, получих съобщението Ви. Ще отговоря днес до 15:10 ч. (по Вашето време; във Варшава ще бъде 14:10 ч.).")]
    public void Acknowledgement_SameDay_SaysToday(string language, string expected) =>
        Assert.Equal(expected, Write(language, "2025-03-10T09:10"));

    [Theory]
    [InlineData("en", "by 14:00 tomorrow")]
    [InlineData("pl", "jutro do 14:00")]
    [InlineData("ru", "завтра до 14:00")]
    [InlineData("bg", "утре до 14:00 ч.")]
    public void Acknowledgement_NextDay_SaysTomorrow(string language, string expected) =>
        Assert.Contains(expected, Write(language, "2025-03-10T19:30"), StringComparison.Ordinal);

    [Fact]
    public void Acknowledgement_ClientInOurZone_UsesTheShortText()
    {
        var agreement = Warsaw() with { ClientTimeZone = "Europe/Warsaw", Language = "pl" };
        var received = At("Europe/Warsaw", "2025-03-07T19:30");
        var promise = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal("Dziękuję za wiadomość. Odpowiem w poniedziałek, 10 marca, do 13:00.", Acknowledgement.Write(promise, agreement, Ours(), received));
    }

    [Theory]
    [InlineData("en", "by 10:00 on Monday, 2 March", "by 10:00 on Tuesday, 3 March", "by 10:00 on Wednesday, 4 March", "by 10:00 on Thursday, 5 March", "by 10:00 on Friday, 6 March", "by 10:00 on Saturday, 7 March", "by 10:00 on Sunday, 8 March")]
    [InlineData("pl", "w poniedziałek, 2 marca, do 10:00", "we wtorek, 3 marca, do 10:00", "w środę, 4 marca, do 10:00", "w czwartek, 5 marca, do 10:00", "w piątek, 6 marca, do 10:00", "w sobotę, 7 marca, do 10:00", "w niedzielę, 8 marca, do 10:00")]
    [InlineData("ru", "в понедельник, 2 марта, до 10:00", "во вторник, 3 марта, до 10:00", "в среду, 4 марта, до 10:00", "в четверг, 5 марта, до 10:00", "в пятницу, 6 марта, до 10:00", "в субботу, 7 марта, до 10:00", "в воскресенье, 8 марта, до 10:00")]
    [InlineData("bg", "в понеделник, 2 март, до 10:00 ч.", "във вторник, 3 март, до 10:00 ч.", "в сряда, 4 март, до 10:00 ч.", "в четвъртък, 5 март, до 10:00 ч.", "в петък, 6 март, до 10:00 ч.", "в събота, 7 март, до 10:00 ч.", "в неделя, 8 март, до 10:00 ч.")]
    public void Deadline_EachWeekday_UsesTheRightPreposition(string language, params string[] expected)
    {
        var words = Wording.For(language);
        for (var i = 0; i < 7; i++)
            Assert.Equal(expected[i], Acknowledgement.Deadline(words, new LocalDateTime(2026, 3, 2 + i, 10, 0), new LocalDate(2026, 2, 20)));
    }

    [Theory]
    [InlineData("en", "by 09:00 on Thursday, 1 January 2026")]
    [InlineData("pl", "w czwartek, 1 stycznia 2026 r., do 09:00")]
    [InlineData("ru", "в четверг, 1 января 2026 г., до 09:00")]
    [InlineData("bg", "в четвъртък, 1 януари 2026 г., до 09:00 ч.")]
    public void Deadline_NextYear_ShowsTheYearAndGenitiveMonth(string language, string expected) =>
        Assert.Equal(expected, Acknowledgement.Deadline(Wording.For(language), new LocalDateTime(2026, 1, 1, 9, 0), new LocalDate(2025, 12, 29)));

    [Theory]
    [InlineData("en", "1 hour|2 hours|5 hours|21 hours|22 hours|25 hours")]
    [InlineData("pl", "1 godzinę|2 godziny|5 godzin|21 godzin|22 godziny|25 godzin")]
    [InlineData("ru", "1 час|2 часа|5 часов|21 час|22 часа|25 часов")]
    [InlineData("bg", "1 час|2 часа|5 часа|21 часа|22 часа|25 часа")]
    public void Count_Hours_UsesPluralForms(string language, string expected) =>
        Assert.Equal(expected, string.Join('|', Counts.Select(n => Wording.For(language).Count(n, CountedUnit.Hour))));

    [Theory]
    [InlineData("en", "1 minute|2 minutes|5 minutes|21 minutes|22 minutes|25 minutes", "1 day|2 days|5 days|21 days|22 days|25 days")]
    [InlineData("pl", "1 minutę|2 minuty|5 minut|21 minut|22 minuty|25 minut", "1 dzień|2 dni|5 dni|21 dni|22 dni|25 dni")]
    [InlineData("ru", "1 минуту|2 минуты|5 минут|21 минуту|22 минуты|25 минут", "1 день|2 дня|5 дней|21 день|22 дня|25 дней")]
    [InlineData("bg", "1 минута|2 минути|5 минути|21 минути|22 минути|25 минути", "1 ден|2 дни|5 дни|21 дни|22 дни|25 дни")]
    public void Count_MinutesAndDays_UsePluralForms(string language, string minutes, string days)
    {
        var words = Wording.For(language);
        int[] counts = [1, 2, 5, 21, 22, 25];
        Assert.Equal(minutes, string.Join('|', counts.Select(n => words.Count(n, CountedUnit.Minute))));
        Assert.Equal(days, string.Join('|', counts.Select(n => words.Count(n, CountedUnit.Day))));
    }

    [Theory]
    [InlineData("en", "1.5 working days", "4 working hours")]
    [InlineData("pl", "1,5 dnia roboczego", "4 godzin roboczych")]
    [InlineData("ru", "1,5 рабочего дня", "4 рабочих часов")]
    [InlineData("bg", "1,5 работни дни", "4 работни часа")]
    public void Count_WorkingUnits_HandleFractions(string language, string days, string hours)
    {
        Assert.Equal(days, Wording.For(language).Count(1.5m, CountedUnit.WorkingDay));
        Assert.Equal(hours, Wording.For(language).Count(4, CountedUnit.WorkingHour));
    }

    [Theory]
    [InlineData("en", "I will answer in 4 hours.", "I will answer in {hours_until}. {deadline}")]
    [InlineData("ru", "Отвечу через 4 часа.", "Отвечу через {hours_until}. {deadline}")]
    public void Acknowledgement_CustomTemplate_FillsHoursUntil(string language, string expectedStart, string text) =>
        Assert.StartsWith(expectedStart, Write(language, "2025-03-10T09:00", new AcknowledgementTemplate(language, text)), StringComparison.Ordinal);

    [Fact]
    public void Template_UnknownPlaceholder_IsRejected()
    {
        var error = Assert.Throws<AgreementRuleException>(new AcknowledgementTemplate("en", "By {deadline}, {client_name}.").Validate);
        Assert.Equal("acknowledgement.unknown-placeholder", error.Rule);
        Assert.Contains("{client_name}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_WithoutDeadline_IsRejected()
    {
        var error = Assert.Throws<AgreementRuleException>(new AcknowledgementTemplate("pl", "Dziękuję, odpowiem wkrótce.").Validate);
        Assert.Equal("acknowledgement.no-deadline", error.Rule);
        Assert.Equal("acknowledgement.pl", error.Field);
    }

    [Fact]
    public void Template_UnclosedBrace_IsRejected() =>
        Assert.Equal("acknowledgement.unbalanced", Assert.Throws<AgreementRuleException>(new AcknowledgementTemplate("en", "By {deadline").Validate).Rule);

    [Theory]
    [InlineData("en")]
    [InlineData("pl")]
    [InlineData("ru")]
    [InlineData("bg")]
    public void Template_Defaults_AreValid(string language) => AcknowledgementTemplate.Default(language).Validate();

    [Theory]
    [InlineData("pl")]
    [InlineData("ru")]
    [InlineData("bg")]
    public void Wording_Months_AgreeWithIcuWherePresent(string language)
    {
        var format = new CultureInfo(language).DateTimeFormat;
        if (format.MonthNames[0] == "January") return; // invariant globalization: nothing to compare with
        var icu = language == "bg" ? format.MonthNames : format.MonthGenitiveNames;
        for (var m = 1; m <= 12; m++) Assert.Equal(icu[m - 1], Wording.For(language).MonthAfterDay(m));
    }

    [Fact]
    public void Acknowledgement_BulgarianTimeEndsTheSentence_OneFullStop()
    {
        // The short text ends "{deadline}." and a Bulgarian time ends "ч.": never "ч..".
        var agreement = Warsaw() with { ClientTimeZone = "Europe/Warsaw", Language = "bg" };
        var received = At("Europe/Warsaw", "2025-03-07T19:30");
        var promise = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.Telegram, Urgency.Normal);
        var text = Acknowledgement.Write(promise, agreement, Ours(), received);
        Assert.EndsWith("до 13:00 ч.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("..", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Thank you, we have your message. We will answer by 14:00 on Monday, 10 March", "where we answer first")]
    [InlineData("pl", "Dziękujemy za wiadomość. Odpowiemy w poniedziałek, 10 marca, do 14:00", "gdzie odpowiadamy najszybciej")]
    [InlineData("ru", "Спасибо, Ваше сообщение получено. Ответим в понедельник, 10 марта, до 14:00", "где мы отвечаем в первую очередь")]
    [InlineData("bg", "Благодарим, получихме съобщението Ви. Ще отговорим в понеделник, 10 март, до 14:00 ч.", "където отговаряме най-напред")]
    public void Acknowledgement_AnAgencySpeakingAsWe_SaysWe_AlsoWhenNamingThePreferredChannel(string language, string start, string preferred)
    {
        var agreement = Warsaw() with { Language = language, SpeakingAs = SpeakingAs.We };
        var received = At("Europe/Warsaw", "2025-03-07T19:30");
        var promise = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.WhatsApp, Urgency.Normal);
        var text = Acknowledgement.WriteFor(promise, agreement, Ours(), received, ChannelKind.WhatsApp);
        Assert.StartsWith(start, text, StringComparison.Ordinal);
        Assert.Contains(preferred, text, StringComparison.Ordinal);
    }
}
