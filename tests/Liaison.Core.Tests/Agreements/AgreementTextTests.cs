using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Agreements;

public class AgreementTextTests
{
    private static readonly OurCalendar WithDaysOff = Ours() with
    {
        DaysOff = [new DayOff(new LocalDate(2025, 8, 4), new LocalDate(2025, 8, 15), "Urlop"), new DayOff(new LocalDate(2000, 12, 24), new LocalDate(2000, 12, 26), EveryYear: true)],
    };

    private static Agreement Full(string language) => Warsaw() with
    {
        Language = language,
        Reports = new ReportCadence(ReportFrequency.Weekly, [new LocalTime(16, 0)], IsoDayOfWeek.Friday, AtEachStageChange: true),
        RoundTheClock = [new RoundTheClockDuty(ChannelKind.Phone, Urgency.Urgent)],
    };

    [Fact]
    public void WorkingTogether_InRussian_ShowsHoursInClientZoneAndTerms()
    {
        var text = WorkingTogetherDocument.For(Full("ru") with { SpeakingAs = SpeakingAs.We }, WithDaysOff, "Анна Ковальская", new LocalDate(2025, 7, 1)).ToMarkdown();
        Assert.Contains("# Как мы работаем вместе", text, StringComparison.Ordinal);
        Assert.Contains("- Понедельник: 10:00–14:00, 15:00–19:00", text, StringComparison.Ordinal); // Warsaw 09–13, 14–18 in Sofia
        Assert.Contains("Электронная почта: в течение 1,5 рабочего дня", text, StringComparison.Ordinal);
        Assert.Contains("Telegram: в течение 4 рабочих часов", text, StringComparison.Ordinal);
        Assert.Contains("Срочные: в течение 1 рабочего часа", text, StringComparison.Ordinal);
        Assert.Contains("Предпочтительный канал: Электронная почта — e-mail keeps decisions in writing", text, StringComparison.Ordinal);
        Assert.Contains("Каждую пятницу в 16:00; при каждой смене этапа", text, StringComparison.Ordinal);
        Assert.Contains("4–15 августа (Urlop)", text, StringComparison.Ordinal);
        Assert.Contains("24–26 декабря", text, StringComparison.Ordinal);
        Assert.Contains("Анна Ковальская", text, StringComparison.Ordinal);
        Assert.Contains("Просим кратко продублировать суть текстом", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkingTogether_Markdown_EscapesNamesAndImportedSummaries()
    {
        var agreement = Full("en") with
        {
            Channels = Full("en").Channels with { PreferredReason = "<img src=x onerror=alert(1)> & *bold*" },
        };
        var calendar = Ours() with
        {
            DaysOff = [new DayOff(new LocalDate(2025, 8, 4), null, "<script>alert(1)</script>"), new DayOff(new LocalDate(2025, 8, 5), null, "[x](javascript:alert(1))")],
        };
        var markdown = WorkingTogetherDocument.For(agreement, calendar, "# _Anna_ *Kowalska*", new LocalDate(2025, 7, 1)).ToMarkdown();
        // No markup character is left unescaped: no tag, no link, no emphasis.
        Assert.DoesNotMatch(@"(?<!\\)[<>\[\]*_]", markdown);
        Assert.Contains(@"\<script\>alert(1)\</script\>", markdown, StringComparison.Ordinal);
        Assert.Contains(@"\[x\](javascript:alert(1))", markdown, StringComparison.Ordinal);
        Assert.Contains(@"\<img src=x onerror=alert(1)\> \& \*bold\*", markdown, StringComparison.Ordinal);
        Assert.Contains("- \\# \\_Anna\\_ \\*Kowalska\\*\n", markdown, StringComparison.Ordinal);
        // The document's own text is untouched.
        Assert.Contains("- Monday: ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkingTogether_Markdown_NameWithLineBreakOrListMarker_StaysOneBullet()
    {
        var markdown = WorkingTogetherDocument.For(Full("en"), WithDaysOff, "1. Anna\n\n<b>Boss</b>", new LocalDate(2025, 7, 1)).ToMarkdown();
        Assert.Contains("- 1\\. Anna  \\<b\\>Boss\\</b\\>\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkingTogether_InPolish_RendersPlainText()
    {
        var text = WorkingTogetherDocument.For(Full("pl"), WithDaysOff, "Anna", new LocalDate(2025, 9, 1)).ToPlainText();
        Assert.StartsWith("Jak współpracujemy\n", text, StringComparison.Ordinal);
        Assert.Contains("  E-mail: w ciągu 1,5 dnia roboczego", text, StringComparison.Ordinal);
        Assert.Contains("W każdy piątek o 16:00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Urlop", text, StringComparison.Ordinal); // the vacation is over by September
    }

    [Fact]
    public void Diff_ChangedHoursAndAnswerTime_ListsThemInHumanTerms()
    {
        var before = Warsaw();
        var after = before with
        {
            ContactHours = before.ContactHours.With(IsoDayOfWeek.Friday, TimeOfDayRange.Of(9, 0, 14, 0)),
            ResponseTimes = [.. before.ResponseTimes.Where(r => r.Channel != ChannelKind.Email), new ResponseRule(ChannelKind.Email, Urgency.Normal, ResponseTime.Days(1))],
        };
        var changes = AgreementDiff.Between(before, after);
        Assert.Equal(["contactHours.friday", "responseTimes.email.normal"], changes.Select(c => c.Field));
        Assert.Equal("When we may write to you (your time) — Friday: 09:00–18:00 → 09:00–14:00", changes[0].ToString());
        Assert.Equal("How fast we answer — E-mail: within 1.5 working days → within 1 working day", changes[1].ToString());
    }

    [Fact]
    public void Diff_SameTerms_IsEmpty() => Assert.Empty(AgreementDiff.Between(Warsaw(), Warsaw() with { Version = 2 }));

    [Fact]
    public void History_Revise_RecordsVersionAndWhen()
    {
        var history = AgreementHistory.Start(Warsaw());
        var at = Instant.FromUtc(2025, 6, 1, 0, 0);
        history = history.Revise(history.Current with { Language = "bg" }, at);
        Assert.Equal(2, history.Current.Version);
        Assert.Equal(at, history.Current.EffectiveFrom);
        var (version, changes) = Assert.Single(history.Changes());
        Assert.Equal(2, version.Version);
        Assert.Equal("language", Assert.Single(changes).Field);
        Assert.Throws<AgreementRuleException>(() => history.Revise(history.Current, at));
    }

    [Theory]
    [InlineData("en", "Every Friday at 16:00", "24–26 December", "Voice messages are welcome; please add a short written summary")]
    [InlineData("pl", "W każdy piątek o 16:00", "24–26 grudnia", "Prosimy też o krótkie podsumowanie na piśmie")]
    [InlineData("ru", "Каждую пятницу в 16:00", "24–26 декабря", "Просим кратко продублировать суть текстом")]
    [InlineData("bg", "Всеки петък в 16:00 ч.", "24–26 декември", "Приемаме ги, но молим и за кратко писмено резюме")]
    public void WorkingTogether_InEachLanguage_ReadsNaturally(string language, string weekly, string sameMonthRange, string voice)
    {
        var agreement = Full(language) with { VoiceMessages = VoiceMessagePolicy.AskForWrittenSummary, SpeakingAs = SpeakingAs.We };
        var text = WorkingTogetherDocument.For(agreement, WithDaysOff, "Anna", new LocalDate(2025, 7, 1)).ToPlainText();
        Assert.Contains(weekly, text, StringComparison.Ordinal);
        Assert.Contains(sameMonthRange, text, StringComparison.Ordinal);
        Assert.Contains(voice, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pl", IsoDayOfWeek.Wednesday, "W każdą środę o 16:00")]
    [InlineData("pl", IsoDayOfWeek.Sunday, "W każdą niedzielę o 16:00")]
    [InlineData("ru", IsoDayOfWeek.Monday, "Каждый понедельник в 16:00")]
    [InlineData("ru", IsoDayOfWeek.Sunday, "Каждое воскресенье в 16:00")]
    [InlineData("bg", IsoDayOfWeek.Saturday, "Всяка събота в 16:00 ч.")]
    public void Reports_Weekly_WeekdayInItsGender(string language, IsoDayOfWeek day, string expected)
    {
        var agreement = Full(language) with { Reports = new ReportCadence(ReportFrequency.Weekly, [new LocalTime(16, 0)], day, AtEachStageChange: false) };
        var text = WorkingTogetherDocument.For(agreement, WithDaysOff, "Anna", new LocalDate(2025, 7, 1)).ToPlainText();
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "When I work (your time)", "How fast I answer")]
    [InlineData("pl", "Kiedy pracuję (według Państwa czasu)", "Proszę też o krótkie podsumowanie na piśmie")]
    [InlineData("ru", "Когда я работаю (по Вашему времени)", "Прошу кратко продублировать суть текстом")]
    [InlineData("bg", "Кога работя (по Вашето време)", "моля и за кратко писмено резюме")]
    public void WorkingTogether_AFreelancerAlone_SpeaksAsI(string language, string hours, string line)
    {
        var text = WorkingTogetherDocument.For(Full(language) with { SpeakingAs = SpeakingAs.I }, WithDaysOff, "Anna", new LocalDate(2025, 7, 1)).ToPlainText();
        Assert.Contains(hours, text, StringComparison.Ordinal);
        Assert.Contains(line, text, StringComparison.Ordinal);
    }
}
