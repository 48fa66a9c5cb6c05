using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Liaison.Core.Promises;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Acknowledgements;

public class AcknowledgementPolicyTests
{
    private static readonly WorkingCalendar OurHours = new(Zone("Europe/Warsaw"), Office);

    private static Agreement Polish(AcknowledgementTerms? terms = null) => Warsaw() with
    {
        ClientTimeZone = "Europe/Warsaw",
        Language = "pl",
        Channels = new([ChannelKind.Email, ChannelKind.WhatsApp], ChannelKind.Email, "e-mail zostaje na piśmie"),
        Acknowledgements = terms ?? AcknowledgementTerms.Default,
    };

    private static AcknowledgementFacts Facts(string receivedInWarsaw, ChannelKind? channel = null, Agreement? agreement = null, string sender = "48600500600",
        string text = "Dzień dobry, mam pytanie o fakturę.", string? subject = null, AutomationSigns signs = AutomationSigns.None, IReadOnlyList<PastAcknowledgement>? recent = null,
        bool personReplied = false, bool acknowledged = false, bool backfill = false, bool ours = false)
    {
        var kind = channel ?? ChannelKind.WhatsApp;
        var received = At("Europe/Warsaw", receivedInWarsaw);
        var promise = new PromiseSchedule(agreement ?? Polish(), Ours()).PromiseFor(received, kind, Urgency.Normal);
        return new AcknowledgementFacts(promise, kind, 5, sender, subject, text, signs, backfill, ours, personReplied, acknowledged, recent);
    }

    private static AcknowledgementDecision Decide(AcknowledgementFacts facts, Agreement? agreement = null, Instant? now = null) =>
        AcknowledgementPolicy.Decide(facts, agreement ?? Polish(), OurHours, now ?? facts.Promise.Received);

    [Fact]
    public void Policy_SaturdayEvening_SendsBecauseOutsideWorkingHours()
    {
        var decision = Decide(Facts("2025-03-08T22:00"));
        Assert.Equal(AcknowledgementAction.Send, decision.Action);
        Assert.Equal(AcknowledgementReason.OutsideWorkingHours, decision.Reason);
    }

    [Fact]
    public void Policy_WorkingHoursAndAnswerSoon_Skips()
    {
        // Tuesday 10:00, WhatsApp answered within 4 working hours: more than the 2-hour threshold.
        Assert.Equal(AcknowledgementReason.LaterThanThreshold, Decide(Facts("2025-03-11T10:00")).Reason);
        var quick = Polish(AcknowledgementTerms.Default with { ThresholdMinutes = 5 * 60 });
        var decision = Decide(Facts("2025-03-11T10:00", agreement: quick), quick);
        Assert.Equal(AcknowledgementAction.Skip, decision.Action);
        Assert.Equal(AcknowledgementReason.AnswerComesSoon, decision.Reason);
    }

    [Fact]
    public void Policy_ThresholdZero_AcknowledgesEveryMessageInWorkingHours()
    {
        var always = Polish(AcknowledgementTerms.Default with { ThresholdMinutes = 0 });
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-11T10:00", agreement: always), always).Action);
    }

    [Fact]
    public void Policy_Delay_WaitsUntilReceivedPlusDelay_ThenSends()
    {
        var patient = Polish(AcknowledgementTerms.Default with { DelayMinutes = 10 });
        var facts = Facts("2025-03-08T22:00", agreement: patient);
        var wait = Decide(facts, patient);
        Assert.Equal(AcknowledgementAction.Wait, wait.Action);
        Assert.Equal(facts.Promise.Received + Duration.FromMinutes(10), wait.At);
        Assert.Equal(AcknowledgementAction.Send, Decide(facts, patient, wait.At).Action);
    }

    [Fact]
    public void Policy_PersonRepliedDuringTheDelay_Skips() =>
        Assert.Equal(AcknowledgementReason.PersonReplied, Decide(Facts("2025-03-08T22:00", personReplied: true)).Reason);

    [Fact]
    public void Policy_SwitchedOffForClientOrChannel_Skips()
    {
        var off = Polish(AcknowledgementTerms.Default with { Enabled = false });
        Assert.Equal(AcknowledgementReason.SwitchedOffForClient, Decide(Facts("2025-03-08T22:00", agreement: off), off).Reason);
        var noWhatsApp = Polish(AcknowledgementTerms.Default with { OffOn = [ChannelKind.WhatsApp] });
        Assert.Equal(AcknowledgementReason.SwitchedOffForChannel, Decide(Facts("2025-03-08T22:00", agreement: noWhatsApp), noWhatsApp).Reason);
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-08T22:00", ChannelKind.Email, noWhatsApp, "ala@example.pl"), noWhatsApp).Action);
    }

    [Fact]
    public void Policy_OnePerPromise()
    {
        Assert.Equal(AcknowledgementReason.AlreadyAcknowledged, Decide(Facts("2025-03-08T22:00", acknowledged: true)).Reason);
    }

    [Fact]
    public void Policy_SecondMessageInConversationWithinPeriod_Skips_AfterPeriodSends()
    {
        var first = At("Europe/Warsaw", "2025-03-08T22:00");
        var recent = new[] { new PastAcknowledgement(first, 5, "48600500600") };
        Assert.Equal(AcknowledgementReason.ConversationAcknowledgedRecently, Decide(Facts("2025-03-08T22:30", recent: recent)).Reason);
        // Another conversation of the same sender is not held back by the period.
        var elsewhere = new[] { new PastAcknowledgement(first, 6, "48600500600") };
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-08T22:30", recent: elsewhere)).Action);
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-09T10:30", recent: recent)).Action);
    }

    [Fact]
    public void Policy_SenderCap_CountsTheLast24Hours()
    {
        var start = At("Europe/Warsaw", "2025-03-08T20:00");
        var three = Enumerable.Range(0, 3).Select(i => new PastAcknowledgement(start + Duration.FromMinutes(i), 100 + i, "48600500600")).ToList();
        Assert.Equal(AcknowledgementReason.SenderCapReached, Decide(Facts("2025-03-08T23:00", recent: three)).Reason);
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-08T23:00", sender: "48111222333", recent: three)).Action);
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-09T20:30", recent: three)).Action);
    }

    [Theory]
    [InlineData(AutomationSigns.AutoReply, AcknowledgementReason.AutoReply)]
    [InlineData(AutomationSigns.MailingList, AcknowledgementReason.MailingList)]
    [InlineData(AutomationSigns.Bounce, AcknowledgementReason.Bounce)]
    [InlineData(AutomationSigns.EmptyReturnPath, AcknowledgementReason.EmptyReturnPath)]
    [InlineData(AutomationSigns.NoReplySender, AcknowledgementReason.NoReplySender)]
    [InlineData(AutomationSigns.Bulk, AcknowledgementReason.Automated)]
    public void Policy_MachineSigns_NeverAcknowledged(AutomationSigns signs, AcknowledgementReason reason)
    {
        var decision = Decide(Facts("2025-03-08T22:00", ChannelKind.Email, sender: "ala@example.pl", signs: signs));
        Assert.Equal(AcknowledgementAction.Skip, decision.Action);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData("noreply@shop.example")]
    [InlineData("no-reply-billing@shop.example")]
    [InlineData("MAILER-DAEMON@mx.example")]
    [InlineData("daemon@host.example")]
    public void Policy_NoReplyAddress_NeverAcknowledged(string sender) =>
        Assert.Equal(AcknowledgementReason.NoReplySender, Decide(Facts("2025-03-08T22:00", ChannelKind.Email, sender: sender.ToLowerInvariant())).Reason);

    [Fact]
    public void Policy_OwnAddressOrBackfill_NeverAcknowledged()
    {
        Assert.Equal(AcknowledgementReason.OwnAddress, Decide(Facts("2025-03-08T22:00", ours: true)).Reason);
        Assert.Equal(AcknowledgementReason.Backfill, Decide(Facts("2025-03-08T22:00", backfill: true)).Reason);
    }

    [Theory]
    [InlineData("Out of Office: back on Monday", "I am travelling.")]
    [InlineData("Automatic reply: Invoice", "Thanks")]
    [InlineData("Auto: Faktura", "x")]
    [InlineData("Odpowiedź automatyczna: Faktura", "Jestem poza biurem.")]
    [InlineData("Re: faktura (poza biurem)", "x")]
    [InlineData("Автоответ: счёт", "x")]
    [InlineData("Вне офиса", "x")]
    [InlineData("Автоматичен отговор: фактура", "x")]
    [InlineData(null, "Автоответ: я в отпуске до 20 марта.")]
    [InlineData(null, "Jestem na urlopie do poniedziałku.")]
    [InlineData(null, "В отпуск съм до понеделник.")]
    [InlineData(null, "Thank you, I have your message. I will answer by 10:00 on Monday, 10 March.")]
    [InlineData(null, "Dziękuję za wiadomość. Odpowiem w poniedziałek, 10 marca, do 10:00.")]
    [InlineData(null, "Спасибо, Ваше сообщение получено. Отвечу завтра до 10:00.")]
    [InlineData(null, "Благодаря, получих съобщението Ви. Ще отговоря утре до 10:00 ч.")]
    public void Policy_AutoReplyWords_InFourLanguages_NeverAcknowledged(string? subject, string text) =>
        Assert.Equal(AcknowledgementReason.AutoReply, Decide(Facts("2025-03-08T22:00", ChannelKind.Email, sender: "ala@example.pl", subject: subject, text: text)).Reason);

    [Theory]
    [InlineData("Pytanie o urlop", "Czy mogę wziąć urlop w sierpniu?")]
    [InlineData("Отпуск", "Когда у Вас отпуск?")]
    [InlineData("Office move", "We are moving out of the old office next week.")]
    public void Policy_PersonMentioningHolidays_IsAcknowledged(string subject, string text) =>
        Assert.Equal(AcknowledgementAction.Send, Decide(Facts("2025-03-08T22:00", ChannelKind.Email, sender: "ala@example.pl", subject: subject, text: text)).Action);

    [Fact]
    public void Policy_PromiseAlreadyDue_Skips()
    {
        var facts = Facts("2025-03-08T22:00");
        Assert.Equal(AcknowledgementReason.PromiseDue, Decide(facts, now: facts.Promise.Due).Reason);
    }

    [Theory]
    [InlineData("en", "To keep everything in one place, please send your next messages where I answer first: E-mail — e-mail keeps decisions in writing.")]
    [InlineData("pl", "Aby wszystko było w jednym miejscu, proszę o kolejne wiadomości tam, gdzie odpowiadam najszybciej: E-mail — e-mail keeps decisions in writing.")]
    [InlineData("ru", "Чтобы ничего не потерялось, пожалуйста, пишите мне в дальнейшем туда, где я отвечаю в первую очередь: Электронная почта — e-mail keeps decisions in writing.")]
    [InlineData("bg", "За да не се изгуби нищо, моля, пишете ми занапред там, където отговарям най-напред: Имейл — e-mail keeps decisions in writing.")]
    public void Acknowledgement_OnChannelNotAccepted_NamesThePreferredOnePolitely(string language, string note)
    {
        var agreement = Warsaw() with { Language = language };
        var received = At("Europe/Warsaw", "2025-03-07T19:30");
        var promise = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.WhatsApp, Urgency.Normal);
        var text = Acknowledgement.WriteFor(promise, agreement, Ours(), received, ChannelKind.WhatsApp);
        Assert.StartsWith(Acknowledgement.Write(promise, agreement, Ours(), received), text, StringComparison.Ordinal);
        Assert.EndsWith(" " + note, text, StringComparison.Ordinal);
        var onEmail = new PromiseSchedule(agreement, Ours()).PromiseFor(received, ChannelKind.Email, Urgency.Normal);
        Assert.Equal(Acknowledgement.Write(onEmail, agreement, Ours(), received), Acknowledgement.WriteFor(onEmail, agreement, Ours(), received, ChannelKind.Email));
    }

    [Fact]
    public void ContactTime_SundayNight_OffersMondayMorningInClientZone_WithinHoursNull()
    {
        var agreement = Warsaw(); // Sofia, contact hours 09:00–18:00 on weekdays
        var next = ContactTime.NextContactHour(agreement, At("Europe/Sofia", "2025-03-09T23:00"));
        Assert.Equal("2025-03-10T09:00:00", Local(next!.Value, "Europe/Sofia"));
        Assert.Null(ContactTime.NextContactHour(agreement, At("Europe/Sofia", "2025-03-10T11:00")));
        Assert.Equal("2025-03-11T09:00:00", Local(ContactTime.NextContactHour(agreement, At("Europe/Sofia", "2025-03-10T23:00"))!.Value, "Europe/Sofia"));
    }

    [Fact]
    public void Terms_OutOfRange_NameTheirField()
    {
        Assert.Equal("acknowledgements.thresholdMinutes", Assert.Throws<AgreementRuleException>(() => (Polish() with { Acknowledgements = new() { ThresholdMinutes = -1 } }).Validate()).Field);
        Assert.Equal("acknowledgements.maxPerSenderPerDay", Assert.Throws<AgreementRuleException>(() => (Polish() with { Acknowledgements = new() { MaxPerSenderPerDay = 0 } }).Validate()).Field);
        Assert.Equal("acknowledgements.delayMinutes", Assert.Throws<AgreementRuleException>(() => (Polish() with { Acknowledgements = new() { DelayMinutes = 5000 } }).Validate()).Field);
        Assert.Equal("acknowledgements.offOn", Assert.Throws<AgreementRuleException>(() => (Polish() with { Acknowledgements = new() { OffOn = [ChannelKind.Email, ChannelKind.Email] } }).Validate()).Field);
    }

    [Fact]
    public void Diff_AcknowledgementTerms_ListedAsChanges()
    {
        var before = Polish();
        var after = before with { Acknowledgements = before.Acknowledgements with { Enabled = false, OffOn = [ChannelKind.WhatsApp] } };
        var changes = AgreementDiff.Between(before, after, "en");
        Assert.Contains(changes, c => c.Field == "acknowledgements.enabled" && c.Before == "on" && c.After == "off");
        Assert.Contains(changes, c => c.Field == "acknowledgements.offOn" && c.After == "WhatsApp");
    }
}
