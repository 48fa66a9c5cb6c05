using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Background;
using Liaison.Server.Features.Acknowledgements;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Tests.Inbound;
using Liaison.Server.Tests.Outbox;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Acknowledgements;

/// <summary>
/// Automatic acknowledgements end to end on a stopped clock: a WhatsApp message lands through the
/// webhook, the acknowledgement leaves through the outbox on the same channel (a scripted provider
/// records what it was handed), in the client's language with the exact deadline.
/// </summary>
public class AcknowledgementTest
{
    private static readonly DateTimeZone Warsaw = DateTimeZoneProviders.Tzdb["Europe/Warsaw"];
    private const string WaId = "48600500600"; // the contact ScriptedSender.StartAsync makes: +48 600 500 600

    private sealed record Setup(LiaisonApp App, HttpClient Api, long ClientId, WhatsAppChannel Channel, ScriptedSender Sender);

    /// <summary>A Polish client in Warsaw with a WhatsApp number, on a stopped clock set to the next Saturday 22:00 their time.</summary>
    private static async Task<Setup> SetUpAsync(DatabaseProvider db, Action<JsonNode>? terms = null)
    {
        var sender = new ScriptedSender((draft, _, _) => ScriptedSender.Accept(draft));
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender, AcknowledgementsOn.Configure, AppClock.Stopped);
        var agreement = (await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        agreement["language"] = "pl";
        agreement["clientTimeZone"] = "Europe/Warsaw";
        agreement["channels"] = new JsonObject { ["accepted"] = new JsonArray("email", "whatsapp"), ["preferred"] = "email" };
        terms?.Invoke(agreement);
        await (await api.Put($"/api/clients/{clientId}/agreement", new { terms = agreement })).Json(HttpStatusCode.OK);
        app.Time.SetUtcNow(NextSaturdayAt22(app).ToDateTimeOffset());
        return new Setup(app, api, clientId, await WhatsAppChannel.ConnectAsync(app), sender);
    }

    private static Instant NextSaturdayAt22(LiaisonApp app)
    {
        var today = Instant.FromDateTimeOffset(app.Time.GetUtcNow()).InZone(Warsaw).Date;
        var saturday = today.PlusDays(((int)IsoDayOfWeek.Saturday - (int)today.DayOfWeek + 7) % 7 + 7);
        return saturday.At(new LocalTime(22, 0)).InZoneStrictly(Warsaw).ToInstant();
    }

    private static Instant Now(LiaisonApp app) => Instant.FromDateTimeOffset(app.Time.GetUtcNow());

    private static async Task<long> ReceiveAsync(Setup s, string wamid, string text)
    {
        Assert.Equal(HttpStatusCode.OK, (await s.Channel.PostAsync(WhatsAppDeliveries.Text(WaId, "Wiktor", wamid, text, Now(s.App).ToDateTimeOffset()))).StatusCode);
        return await Eventually.Until(() => s.App.WithDb(d => d.Messages.Where(m => m.ProviderMessageId == wamid).Select(m => m.Id).FirstOrDefaultAsync()), id => id != 0, "the message recorded");
    }

    private static Task<AcknowledgementRecord> DecisionAsync(Setup s, long messageId, Func<AcknowledgementRecord, bool> done, string what)
    {
        Wake(s.App);
        return Eventually.Until(() => s.App.WithDb(d => d.Acknowledgements().AsNoTracking().FirstOrDefaultAsync(a => a.MessageId == messageId)), a => a is not null && done(a), what)!;
    }

    /// <summary>After the stopped clock moved: the queues look now instead of at a (fake) poll that never passes.</summary>
    private static void Wake(LiaisonApp app)
    {
        app.Services.GetRequiredKeyedService<WakeSignal>(AcknowledgementWorker.Queue).Wake();
        app.Services.GetRequiredKeyedService<WakeSignal>(OutboxSender.Queue).Wake();
    }

    private static string MondayAt(Instant received, int hour)
    {
        var date = received.InZone(Warsaw).Date;
        var monday = date.PlusDays(((int)IsoDayOfWeek.Monday - (int)date.DayOfWeek + 7) % 7);
        return $"w poniedziałek, {Wording.Polish.DayAndMonth(monday, withYear: monday.Year != date.Year)}, do {hour}:00";
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PolishClient_WhatsAppSaturday22_AcknowledgedInPolishWithMondaysTime_OnTheSameChannel_OncePerConversation(DatabaseProvider db)
    {
        var s = await SetUpAsync(db);
        await using var _ = s.App;
        var received = Now(s.App);

        var first = await ReceiveAsync(s, "wamid.ack.1", "Dzień dobry, mam pytanie o fakturę.");
        var sent = await Eventually.Until(() => Task.FromResult(s.Sender.Sent), texts => texts.Count == 1, "the acknowledgement handed to WhatsApp");
        // Monday 09:00 + 4 working hours of WhatsApp: 13:00 in Warsaw, the client's zone and ours alike.
        Assert.Equal($"Dziękuję za wiadomość. Odpowiem {MondayAt(received, 13)}.", sent[0]);

        var decision = await DecisionAsync(s, first, a => a.State == AcknowledgementState.Sent, "the decision recorded");
        Assert.Equal(AcknowledgementReason.OutsideWorkingHours, decision.Reason);
        var timeline = (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        var ack = Assert.Single(timeline, i => i!["purpose"]?.GetValue<string>() == "acknowledgement")!;
        Assert.Equal(decision.OutboundMessageId, ack.Id());
        Assert.Equal("whatsapp", ack["channel"]!.GetValue<string>());
        Assert.Equal("outbound", ack["direction"]!.GetValue<string>());
        // An acknowledgement is not the answer: the client's message still waits for one.
        Assert.True(timeline.Single(i => i!.Id() == first)!["needsAnswer"]!.GetValue<bool>());

        // Ten minutes later, a second message in the same chat: within the period, no second acknowledgement.
        s.App.Time.Advance(TimeSpan.FromMinutes(10));
        var second = await ReceiveAsync(s, "wamid.ack.2", "I jeszcze jedno: proszę o korektę.");
        var skipped = await DecisionAsync(s, second, a => a.State == AcknowledgementState.Skipped, "the second message decided");
        Assert.Equal(AcknowledgementReason.ConversationAcknowledgedRecently, skipped.Reason);
        Assert.Single(s.Sender.Sent);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DelayedAcknowledgement_RestartBeforeItIsDue_SentExactlyOnce(DatabaseProvider db)
    {
        var s = await SetUpAsync(db, terms => terms["acknowledgements"] = new JsonObject { ["delayMinutes"] = 10 });
        var received = Now(s.App);
        var messageId = await ReceiveAsync(s, "wamid.delay.1", "Dzień dobry, kiedy faktura?");
        var waiting = await DecisionAsync(s, messageId, a => a.State == AcknowledgementState.Waiting, "the acknowledgement waiting for its time");
        Assert.Equal(received + Duration.FromMinutes(10), waiting.DueAt);
        Assert.Empty(s.Sender.Sent);

        var restarted = s.App.Successor();
        await s.App.DisposeAsync();
        await using var _ = restarted;
        await restarted.StartAsync();
        restarted.Time.Advance(TimeSpan.FromMinutes(11));
        var r = s with { App = restarted };
        var sent = await DecisionAsync(r, messageId, a => a.State == AcknowledgementState.Sent, "the acknowledgement decided after the restart");
        await Eventually.Until(() => Task.FromResult(s.Sender.Sent), texts => texts.Count == 1, "the acknowledgement handed to WhatsApp");
        Assert.StartsWith("Dziękuję za wiadomość.", s.Sender.Sent[0], StringComparison.Ordinal);

        // Time goes on and the queues look again: still the one.
        restarted.Time.Advance(TimeSpan.FromMinutes(30));
        Wake(restarted);
        await Eventually.Until(() => restarted.WithDb(d => d.Outbox().CountAsync(o => o.State == OutboxState.Sent)), n => n == 1, "the acknowledgement's outbox entry sent");
        Assert.Single(s.Sender.Sent);
        Assert.Equal(1, await restarted.WithDb(d => d.Acknowledgements().CountAsync(a => a.OutboundMessageId == sent.OutboundMessageId)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PersonRepliesWithinTheDelay_NoAcknowledgement(DatabaseProvider db)
    {
        var s = await SetUpAsync(db, terms => terms["acknowledgements"] = new JsonObject { ["delayMinutes"] = 10 });
        await using var _ = s.App;
        var messageId = await ReceiveAsync(s, "wamid.quick.1", "Czy jest Pan dostępny?");
        await DecisionAsync(s, messageId, a => a.State == AcknowledgementState.Waiting, "the acknowledgement waiting");

        await (await s.Api.Post($"/api/clients/{s.ClientId}/messages", new { text = "Tak, jestem.", inReplyToMessageId = messageId })).Json(HttpStatusCode.Accepted);
        s.App.Time.Advance(TimeSpan.FromMinutes(11));
        var skipped = await DecisionAsync(s, messageId, a => a.State == AcknowledgementState.Skipped, "the acknowledgement given up");
        Assert.Equal(AcknowledgementReason.PersonReplied, skipped.Reason);
        Assert.Equal(["Tak, jestem."], await Eventually.Until(() => Task.FromResult(s.Sender.Sent), t => t.Count == 1, "the reply sent"));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AutoReplyWordsOnWhatsApp_OrAcknowledgementsSwitchedOff_NoAcknowledgement(DatabaseProvider db)
    {
        var s = await SetUpAsync(db, terms => terms["acknowledgements"] = new JsonObject { ["offOn"] = new JsonArray("telegram") });
        await using var _ = s.App;
        // Another Liaison (or a WhatsApp Business away message) answering in Russian: never acknowledged.
        var machine = await ReceiveAsync(s, "wamid.auto.1", "Спасибо, Ваше сообщение получено. Отвечу в понедельник до 13:00.");
        Assert.Equal(AcknowledgementReason.AutoReply, (await DecisionAsync(s, machine, a => a.State == AcknowledgementState.Skipped, "the auto-reply decided")).Reason);

        var agreement = (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        agreement["acknowledgements"]!["offOn"] = new JsonArray("whatsapp");
        await (await s.Api.Put($"/api/clients/{s.ClientId}/agreement", new { terms = agreement })).Json(HttpStatusCode.OK);
        s.App.Time.Advance(TimeSpan.FromMinutes(1));
        var off = await ReceiveAsync(s, "wamid.auto.2", "Dzień dobry!");
        Assert.Equal(AcknowledgementReason.SwitchedOffForChannel, (await DecisionAsync(s, off, a => a.State == AcknowledgementState.Skipped, "the message decided")).Reason);
        Assert.Empty(s.Sender.Sent);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AcknowledgementTerms_BadValue_Is400NamingTheField_AndTheStoredVersionStays(DatabaseProvider db)
    {
        var s = await SetUpAsync(db);
        await using var _ = s.App;
        var agreement = (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        var version = agreement["version"]!.GetValue<int>();
        agreement["acknowledgements"]!["maxPerSenderPerDay"] = 0;
        var problem = await (await s.Api.Put($"/api/clients/{s.ClientId}/agreement", new { terms = agreement })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("acknowledgements.maxPerSenderPerDay", problem["field"]!.GetValue<string>());
        var stored = (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        Assert.Equal(version, stored["version"]!.GetValue<int>());
        Assert.Equal(3, stored["acknowledgements"]!["maxPerSenderPerDay"]!.GetValue<int>());
    }
}
