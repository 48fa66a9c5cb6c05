using System.Net;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Inbound;

public class WebhookPipelineTest(LiaisonApps apps)
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SignedDelivery_IsAnsweredAfterCommit_AndLandsOnTheClientsTimeline(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var waId = "4860" + Random.Shared.Next(1000000, 9999999);
        var clientId = await ClientsApiTest.NewClient(app.Api(), "WhatsApp client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Wiktoria", ("whatsapp", "+" + waId));

        var response = await channel.PostAsync(WhatsAppDeliveries.Text(waId, "Wiktoria W.", $"wamid.{Guid.NewGuid():N}", "Dzień dobry! Czy jest już projekt?", Sent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
        var timeline = await Eventually.Until(
            async () => await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK),
            t => t["items"]!.AsArray().Count == 1, "the message on the timeline");
        var item = timeline["items"]![0]!;
        Assert.Equal("Dzień dobry! Czy jest już projekt?", item["text"]!.GetValue<string>());
        Assert.Equal("whatsapp", item["channel"]!.GetValue<string>());
        Assert.Equal("inbound", item["direction"]!.GetValue<string>());
        Assert.Equal(Sent, DateTimeOffset.Parse(item["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WhatsAppMessage_FromANumberSavedOnlyAsTheContactsPhone_LandsWithThatContact_NotWithTheUnknownSenders(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var waId = "4860" + Random.Shared.Next(1000000, 9999999);
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Phone-only client");
        // Saved the way people type a phone number; WhatsApp names it by its wa_id, digits only.
        await ClientsApiTest.NewContact(app.Api(), clientId, "Paweł", ("phone", $"+48 {waId[2..5]} {waId[5..8]} {waId[8..]}"));

        var response = await channel.PostAsync(WhatsAppDeliveries.Text(waId, "Paweł K.", $"wamid.{Guid.NewGuid():N}", "Czy możemy porozmawiać jutro?", Sent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var timeline = await Eventually.Until(
            async () => await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK),
            t => t["items"]!.AsArray().Count == 1, "the message on the phone contact's timeline");
        Assert.Equal("Czy możemy porozmawiać jutro?", timeline["items"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(0, await app.WithDb(d => d.UnknownSenders.CountAsync(u => u.Address == waId)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DuplicateStorm_ThousandDeliveriesTenTimesEach_StoresAndProcessesEachOnce(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var senders = Enumerable.Range(0, 20).Select(_ => "4861" + Random.Shared.Next(1000000, 9999999)).ToArray();
        var deliveries = Enumerable.Range(0, 1000)
            .Select(i => WhatsAppDeliveries.Text(senders[i % senders.Length], $"Sender {i % senders.Length}", $"wamid.storm.{channel.Id}.{i}", $"message {i}", Sent.AddSeconds(i)))
            .ToArray();
        var sends = deliveries.SelectMany(d => Enumerable.Repeat(d, 10)).ToArray();
        Random.Shared.Shuffle(sends);

        var statuses = new List<HttpStatusCode>();
        foreach (var chunk in sends.Chunk(50))
            statuses.AddRange((await Task.WhenAll(chunk.Select(body => channel.PostAsync(body)))).Select(r => r.StatusCode));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1000, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id && x.State == DeliveryProcessing.Processed)),
            n => n == 1000, "all deliveries processed", TimeSpan.FromMinutes(3));
        Assert.Equal(1000, await app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channel.Id)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delivery_WithAWrongSignature_Is401AndNothingIsStored(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var body = WhatsAppDeliveries.Text("48600100200", "Mallory", "wamid.forged", "send money", Sent);

        var forged = await channel.PostAsync(body, WhatsAppDeliveries.Sign(body, "not-the-secret"));
        var unsigned = await channel.PostAsync(body, "");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delivery_NotJson_Is400AndNothingIsStored(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var response = await channel.PostAsync("{\"object\": \"whatsapp_business_account\", \"entry\": [");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delivery_OverTheSizeLimit_Is413AndNothingIsStored(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var huge = WhatsAppDeliveries.Text("48600100200", "Big", "wamid.big", new string('x', 1_100_000), Sent);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await channel.PostAsync(huge)).StatusCode);
        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delivery_ForAnUnknownChannel_Is404(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var response = await app.CreateClient().PostAsync("/hooks/987654321", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delivery_TheAdapterCannotRead_IsKeptAndShownAsUndelivered(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var odd = $$"""{ "object": "page", "entry": [ { "id": "{{channel.Id}}", "messaging": [] } ] }""";

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(odd)).StatusCode);

        var undelivered = await Eventually.Until(
            async () => (await (await app.Api().GetAsync("/api/inbound/undelivered")).Json(HttpStatusCode.OK)).AsArray()
                .FirstOrDefault(d => d!["channelId"]!.GetValue<long>() == channel.Id),
            d => d is not null && d["state"]!.GetValue<string>() == "failed", "the delivery on the undelivered list");
        Assert.Contains("\"object\": \"page\"", undelivered!["payload"]!.GetValue<string>());
        Assert.Contains("could not read", undelivered["lastError"]!.GetValue<string>());

        var retried = await (await app.Api().PostAsync($"/api/inbound/deliveries/{undelivered.Id()}/retry", null)).Json(HttpStatusCode.OK);
        Assert.Equal("failed", retried["state"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Statuses_AreKeptAsEvents_AndOnlyMoveAMessageForward(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var wamid = $"wamid.{Guid.NewGuid():N}";
        var waId = "4862" + Random.Shared.Next(1000000, 9999999);
        await channel.PostAsync(WhatsAppDeliveries.Text(waId, "Stan", wamid, "hello", Sent));
        await channel.PostAsync(WhatsAppDeliveries.Status(wamid, waId, "read", Sent.AddMinutes(2)));
        await channel.PostAsync(WhatsAppDeliveries.Status(wamid, waId, "delivered", Sent.AddMinutes(1)));
        await channel.PostAsync(WhatsAppDeliveries.Status("wamid.not-yet-known", waId, "sent", Sent));

        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id && x.State == DeliveryProcessing.Processed)),
            n => n == 4, "four deliveries processed");
        var message = await app.WithDb(d => d.Messages.SingleAsync(m => m.ChannelId == channel.Id));
        Assert.Equal(Core.Inbound.DeliveryState.Read, message.DeliveryState);
        var events = await app.WithDb(d => d.MessageEvents.Where(e => e.ChannelId == channel.Id).OrderBy(e => e.Id).Select(e => new { e.Kind, e.MessageId }).ToListAsync());
        Assert.Equal([MessageEventKind.Read, MessageEventKind.Delivered, MessageEventKind.Sent], events.Select(e => e.Kind));
        Assert.Null(events[2].MessageId);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Handshake_WithTheVerifyToken_EchoesTheChallenge(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var http = app.CreateClient();
        var ok = await http.GetAsync($"/hooks/{channel.Id}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        var wrong = await http.GetAsync($"/hooks/{channel.Id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Handshake_TokenOfAnotherLengthOrOneCharacterOff_IsRefused(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var http = app.CreateClient();
        // The stored token is "verify-me": a prefix, an extension, a same-length near miss, a
        // different case, a non-ASCII look-alike and no token at all are all refused.
        foreach (var guess in new[] { "verify-m", "verify-me!", "verify-mf", "VERIFY-ME", "verify-m%C3%A9", "" })
        {
            var wrong = await http.GetAsync($"/hooks/{channel.Id}?hub.mode=subscribe&hub.verify_token={guess}&hub.challenge=7");
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        var missing = await http.GetAsync($"/hooks/{channel.Id}?hub.mode=subscribe&hub.challenge=7");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        var right = await http.GetAsync($"/hooks/{channel.Id}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=7");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("7", await right.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ChannelSettings_AreStoredEncryptedAndNeverReturned(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var stored = await app.WithDb(d => d.ChannelSettings.SingleAsync(s => s.ChannelId == channel.Id));
        Assert.DoesNotContain(channel.AppSecret, stored.Protected);
        var listed = await (await app.Api().GetAsync("/api/channels")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(channel.AppSecret, listed);
        Assert.Contains("appSecret", listed);
        var unsupported = await (await app.Api().Post("/api/channels", new { kind = "carrier-pigeon", name = "x" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("kind", unsupported["field"]!.GetValue<string>());
    }
}
