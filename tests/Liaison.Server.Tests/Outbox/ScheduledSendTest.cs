using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Background;
using Liaison.Server.Features.Outbox;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Tests.Outbox;

/// <summary>A reply written outside the client's contact hours, held until their next one: offered, cancellable, sent now on request, sent once.</summary>
public class ScheduledSendTest
{
    private static readonly DateTimeZone Sofia = DateTimeZoneProviders.Tzdb["Europe/Sofia"];

    /// <summary>A client in Sofia (contact hours 09:00–18:00 on weekdays) on a stopped clock set to the next Sunday 23:00 their time.</summary>
    private static async Task<(LiaisonApp App, HttpClient Api, long ClientId, long ChannelId, ScriptedSender Sender, Instant Monday9)> SetUpAsync(DatabaseProvider db)
    {
        var sender = new ScriptedSender((draft, _, _) => ScriptedSender.Accept(draft));
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender, clock: AppClock.Stopped);
        var terms = (await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        terms["clientTimeZone"] = "Europe/Sofia";
        await (await api.Put($"/api/clients/{clientId}/agreement", new { terms })).Json(HttpStatusCode.OK);
        var today = Instant.FromDateTimeOffset(app.Time.GetUtcNow()).InZone(Sofia).Date;
        var sunday = today.PlusDays(((int)IsoDayOfWeek.Sunday - (int)today.DayOfWeek + 7) % 7 + 7);
        app.Time.SetUtcNow(sunday.At(new LocalTime(23, 0)).InZoneStrictly(Sofia).ToDateTimeOffset());
        var monday9 = sunday.PlusDays(1).At(new LocalTime(9, 0)).InZoneStrictly(Sofia).ToInstant();
        return (app, api, clientId, await ScriptedSender.ConnectAsync(app), sender, monday9);
    }

    private static string Iso(Instant i) => InstantPattern.ExtendedIso.Format(i);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplyOnSundayNight_OfferedForMonday9_HeldUntilThen_SentOnce(DatabaseProvider db)
    {
        var (app, api, clientId, channelId, sender, monday9) = await SetUpAsync(db);
        await using var _ = app;

        var contact = await (await api.GetAsync($"/api/clients/{clientId}/contact-time")).Json(HttpStatusCode.OK);
        Assert.False(contact["withinContactHours"]!.GetValue<bool>());
        Assert.Equal(Iso(monday9), contact["nextContactHour"]!.GetValue<string>());

        var queued = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "Oferta w załączniku.", sendAt = Iso(monday9) })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        Assert.Equal(("queued", Iso(monday9)), (queued["state"]!.GetValue<string>(), queued["scheduledFor"]!.GetValue<string>()));
        var item = (await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray().Single(i => i!.Id() == messageId)!;
        Assert.Equal(Iso(monday9), item["scheduledFor"]!.GetValue<string>());

        // A minute before: a message sent at once on the same channel leaves; the scheduled one waits.
        app.Time.SetUtcNow((monday9 - Duration.FromMinutes(1)).ToDateTimeOffset());
        var ping = (await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "Ping now." })).Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        await Eventually.Until(() => { Wake(app); return Outbox(api, ping); }, o => o["state"]!.GetValue<string>() == "sent", "the unscheduled message sent");
        Assert.Equal("queued", (await Outbox(api, messageId))["state"]!.GetValue<string>());
        Assert.Equal(["Ping now."], sender.Sent);

        app.Time.SetUtcNow(monday9.ToDateTimeOffset());
        await Eventually.Until(() => { Wake(app); return Outbox(api, messageId); }, o => o["state"]!.GetValue<string>() == "sent", "the reply sent at 09:00");
        Assert.Equal(["Ping now.", "Oferta w załączniku."], sender.Sent);
        Assert.Null((await Outbox(api, messageId))["scheduledFor"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ScheduledReply_SendNow_LeavesAtOnce_OrCancel_NeverLeaves(DatabaseProvider db)
    {
        var (app, api, clientId, channelId, sender, monday9) = await SetUpAsync(db);
        await using var _ = app;
        var now = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "Actually, now.", sendAt = Iso(monday9) })).Json(HttpStatusCode.Accepted);
        var cancelled = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "Never mind.", sendAt = Iso(monday9) })).Json(HttpStatusCode.Accepted);

        var sendNow = await (await api.PostAsync($"/api/messages/{now["messageId"]}/outbox/send-now", null)).Json(HttpStatusCode.OK);
        Assert.Null(sendNow["scheduledFor"]);
        await Eventually.Until(() => { Wake(app); return Outbox(api, now["messageId"]!.GetValue<long>()); }, o => o["state"]!.GetValue<string>() == "sent", "sent now on request");
        Assert.Equal("cancelled", (await (await api.PostAsync($"/api/messages/{cancelled["messageId"]}/outbox/cancel", null)).Json(HttpStatusCode.OK))["state"]!.GetValue<string>());

        app.Time.SetUtcNow((monday9 + Duration.FromMinutes(5)).ToDateTimeOffset());
        Wake(app);
        await Eventually.Until(() => Outbox(api, cancelled["messageId"]!.GetValue<long>()), o => o["state"]!.GetValue<string>() == "cancelled", "still cancelled after its time");
        Assert.Equal(["Actually, now."], sender.Sent);
        // Send now is for scheduled messages only: a sent one is a 400 naming the rule.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/api/messages/{now["messageId"]}/outbox/send-now", null)).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SendAt_NotAnInstantOrTooFar_Is400NamingSendAt(DatabaseProvider db)
    {
        var (app, api, clientId, channelId, _, monday9) = await SetUpAsync(db);
        await using var _ = app;
        var bad = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "x", sendAt = "Monday at nine" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("sendAt", bad["field"]!.GetValue<string>());
        var far = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "x", sendAt = Iso(monday9 + Duration.FromDays(90)) })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("sendAt", far["field"]!.GetValue<string>());
        var within = await (await api.GetAsync($"/api/clients/{clientId}/contact-time")).Json(HttpStatusCode.OK);
        Assert.NotNull(within["nextContactHour"]);
    }

    private static void Wake(LiaisonApp app) => app.Services.GetRequiredKeyedService<WakeSignal>(OutboxSender.Queue).Wake();

    private static async Task<JsonNode> Outbox(HttpClient api, long messageId) =>
        await (await api.GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK);
}
