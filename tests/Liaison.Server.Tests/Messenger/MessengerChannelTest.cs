using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Channels.Messenger;
using Liaison.Core.Outbound;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Messenger;

/// <summary>
/// A Facebook page's Messenger inbox through the real adapter, fetcher and sender, against a local
/// Graph API that answers as the Messenger Platform documents it.
/// </summary>
public class MessengerChannelTest
{
    private const string Psid = "6543210987654321";

    [Fact]
    public void Signature_MatchesKnownVectors_ForEmojiAndCyrillicBodies_AndNothingElse()
    {
        // Computed independently (Python's hmac module) over the UTF-8 bytes of each body.
        const string secret = "messenger-app-secret";
        var emoji = Encoding.UTF8.GetBytes("""{"object":"page","text":"Dzień dobry 👋 🎉"}""");
        var cyrillic = Encoding.UTF8.GetBytes("""{"object":"page","text":"Привет, как дела?"}""");
        Assert.True(Signatures.Valid("sha256=b23fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958edf9", emoji, secret));
        Assert.True(Signatures.Valid("sha256=d9fa2140303afd027f5f43b93c0cafb24bc4c529297e18b7e6bd90828e5a3e11", cyrillic, secret));
        Assert.True(Signatures.Valid("sha256=5d31149fe3eb5791c434d85e827d211aa391b5506684212389ef2d990ca138e8", [], secret));

        Assert.False(Signatures.Valid("sha256=d9fa2140303afd027f5f43b93c0cafb24bc4c529297e18b7e6bd90828e5a3e11", emoji, secret));
        Assert.False(Signatures.Valid("sha256=b23fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958edf9", emoji, "another-secret"));
        Assert.False(Signatures.Valid("b23fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958edf9", emoji, secret));
        Assert.False(Signatures.Valid("sha1=b23fd0e540c7922624fa74405aa6f590918b8e19", emoji, secret));
        Assert.False(Signatures.Valid("sha256=b23fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958ed", emoji, secret));
        Assert.False(Signatures.Valid("sha256=zz3fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958edf9", emoji, secret));
        Assert.False(Signatures.Valid(null, emoji, secret));
        Assert.False(Signatures.Valid("sha256=b23fd0e540c7922624fa74405aa6f590918b8e19f1f81541a57d1fea2958edf9", emoji, null));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WrongOrMissingSignature_IsRefusedWith401_AndNothingIsStored_WhileTheHubChallengeIsAnsweredOnlyForTheVerifyToken(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAP-page-token");
        await using var s = await SetUpAsync(db, graph);
        var body = MessengerDeliveries.Text(Psid, "m_forged", "Привет 👋", DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.Unauthorized, (await s.PostAsync(body, MessengerDeliveries.Sign(body, "not-the-app-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.PostAsync(body, signature: "")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.PostAsync(body + " ", MessengerDeliveries.Sign(body, s.AppSecret))).StatusCode);
        Assert.Equal(0, await s.App.WithDb(d => d.InboundDeliveries.CountAsync()));

        var http = s.App.CreateClient();
        var challenge = await http.GetAsync($"/hooks/{s.ChannelId}?hub.mode=subscribe&hub.verify_token=page-verify-phrase&hub.challenge=1158201444");
        Assert.Equal((HttpStatusCode.OK, "1158201444"), (challenge.StatusCode, await challenge.Content.ReadAsStringAsync()));
        var wrong = await http.GetAsync($"/hooks/{s.ChannelId}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.DoesNotContain("1158201444", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MessageAndAttachment_LandOnTheClientsTimeline_TheAttachmentFetchedAtOnceFromItsUrl(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAP-page-token");
        await using var s = await SetUpAsync(db, graph);
        var photo = Encoding.UTF8.GetBytes("\u00ff\u00d8 a JPEG of the shop window " + Guid.NewGuid());
        var url = graph.AddCdnFile("409551_n.jpg", photo, "image/jpeg");
        var at = DateTimeOffset.UtcNow.AddSeconds(-10);

        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Text(Psid, "m_text_1", "Добрый день! Вот фото витрины.", at))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Attachment(Psid, "m_photo_1", "image", url.ToString(), at.AddSeconds(1)))).StatusCode);
        // Meta retries a delivery it thinks failed: stored once.
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Text(Psid, "m_text_1", "Добрый день! Вот фото витрины.", at))).StatusCode);

        var attachments = await Eventually.Until(
            () => s.App.WithDb(d => d.Attachments.Where(a => d.Messages.Any(m => m.Id == a.MessageId && m.ProviderMessageId == "m_photo_1")).ToListAsync()),
            list => list.Count == 1, "the photo fetched and stored with its message");
        Assert.Equal(photo.Length, attachments[0].Size);
        var items = await TimelineAsync(s);
        Assert.Equal(2, items.Count);
        var text = items.Single(i => i!["text"]!.GetValue<string>() == "Добрый день! Вот фото витрины.")!;
        Assert.Equal(("inbound", "messenger"), (text["direction"]!.GetValue<string>(), text["channel"]!.GetValue<string>()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplyInside24Hours_GoesAsResponse_ItsEchoIsNotStoredAgain_AndDeliveryAndReadMoveIt(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAP-page-token");
        await using var s = await SetUpAsync(db, graph);
        var inboundId = await ReceiveAsync(s, "m_question_1", "Is the shop open on Sunday?", DateTimeOffset.UtcNow.AddHours(-3));

        var messageId = (await (await s.App.Api().Post($"/api/clients/{s.ClientId}/messages", new { text = "Yes, 10 to 14.", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        var sent = await Eventually.Until(() => OutboxAsync(s, messageId), o => o["state"]!.GetValue<string>() == "sent", "the reply sent");
        var posted = Assert.Single(graph.PageSent);
        Assert.Equal((Psid, "RESPONSE", "Yes, 10 to 14."), (posted.Body.GetProperty("recipient").GetProperty("id").GetString(),
            posted.Body.GetProperty("messaging_type").GetString(), posted.Body.GetProperty("message").GetProperty("text").GetString()));
        Assert.False(posted.Body.TryGetProperty("tag", out _));
        Assert.Equal(posted.Wamid, sent["providerMessageId"]!.GetValue<string>());

        // Meta echoes what the page sent, under the message_id the Send API answered: the same message, not a second one.
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Echo(Psid, posted.Wamid, "Yes, 10 to 14.", now, appId: 1517776481860111))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Delivery(Psid, [posted.Wamid], now.AddSeconds(1)))).StatusCode);
        await Eventually.Until(() => TimelineItemAsync(s, messageId), i => i["deliveryState"]?.GetValue<string>() == "delivered", "the reply delivered");
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Read(Psid, now.AddSeconds(2)))).StatusCode);
        await Eventually.Until(async () => (Item: await TimelineItemAsync(s, messageId),
                Deliveries: string.Join(" | ", await s.App.WithDb(d => d.InboundDeliveries.Select(x => x.Key + " " + x.State + " " + x.LastError).ToListAsync()))),
            r => r.Item["deliveryState"]?.GetValue<string>() == "read", "the reply read, by the watermark");
        Assert.Equal(1, await s.App.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == s.ChannelId && m.Text == "Yes, 10 to 14.")));
        Assert.Equal(2, (await TimelineAsync(s)).Count);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplyTypedInTheMessengerAppItself_AppearsOnTheTimelineAsOurs_AndAnswersTheClient(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAP-page-token");
        await using var s = await SetUpAsync(db, graph);
        var inboundId = await ReceiveAsync(s, "m_question_2", "Do you deliver to Gdańsk?", DateTimeOffset.UtcNow.AddMinutes(-30));

        // The owner answered from the Facebook app on their phone; only the echo tells us.
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Echo(Psid, "m_typed_in_app_1", "We do, on Thursdays.", DateTimeOffset.UtcNow.AddMinutes(-1)))).StatusCode);

        var items = await Eventually.Until(() => TimelineAsync(s), all => all.Any(i => i!["text"]?.GetValue<string>() == "We do, on Thursdays."), "the typed-in-app reply on the timeline");
        var ours = items.Single(i => i!["text"]!.GetValue<string>() == "We do, on Thursdays.")!;
        Assert.Equal("outbound", ours["direction"]!.GetValue<string>());
        Assert.False(items.Single(i => i!["id"]!.GetValue<long>() == inboundId)!["needsAnswer"]!.GetValue<bool>());
        Assert.Empty(graph.PageSent);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task After24Hours_OnlyAPersonsReplyGoes_TaggedHumanAgent_OnlyWithThePermission_AndNotAfter7Days(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAP-page-token");
        await using var s = await SetUpAsync(db, graph, AppClock.Stopped, humanAgent: true);
        var withoutId = await ConnectAsync(s.App, graph, humanAgent: false, name: "Second page");
        var wrote = s.App.Time.GetUtcNow().AddHours(-25);
        var inboundId = await ReceiveAsync(s, "m_old_1", "Any news about my order?", wrote);
        var api = s.App.Api();

        // The page without the permission: the window is closed, and the composer's 400 says so.
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Text(Psid, "m_old_2", "Any news?", wrote), channelId: withoutId)).StatusCode);
        var otherInbound = await Eventually.Until(() => s.App.WithDb(d => d.Messages.Where(m => m.ProviderMessageId == "m_old_2").Select(m => (long?)m.Id).FirstOrDefaultAsync()),
            id => id is not null, "the second page's message recorded");
        var refused = await (await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "It ships today.", inReplyToMessageId = otherInbound })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.window.closed", refused["rule"]!.GetValue<string>());
        Assert.Contains("once they write again", refused.ToJsonString(), StringComparison.Ordinal);

        // An automatic message never takes the tag.
        var queue = s.App.Services.GetRequiredService<OutboundQueue>();
        var automatic = await Assert.ThrowsAsync<Liaison.Core.DomainRuleException>(() => queue.QueueAsync(
            new QueueRequest(s.ClientId, s.ChannelId, null, null, "Received, the answer comes tomorrow.", inboundId, Purpose: MessagePurpose.Acknowledgement), TestContext.Current.CancellationToken));
        Assert.Equal("message.window.closed", automatic.Rule);

        // A person's reply on the page with the permission goes, tagged.
        var messageId = (await (await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "It ships today.", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        var outbox = s.App.Services.GetRequiredService<OutboxSender>();
        await Eventually.Until(() => { outbox.Wake(); return OutboxAsync(s, messageId); }, o => o["state"]!.GetValue<string>() == "sent", "the tagged reply sent");
        var posted = Assert.Single(graph.PageSent);
        Assert.Equal(("MESSAGE_TAG", "HUMAN_AGENT"), (posted.Body.GetProperty("messaging_type").GetString(), posted.Body.GetProperty("tag").GetString()));

        // Seven days after the client wrote, not even that.
        s.App.Time.Advance(TimeSpan.FromDays(6));
        var late = await (await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "Still there?", inReplyToMessageId = inboundId })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.window.closed", late["rule"]!.GetValue<string>());
        Assert.Single(graph.PageSent);
    }

    internal sealed record Setup(LiaisonApp App, long ChannelId, string AppSecret, long ClientId) : IAsyncDisposable
    {
        public Task<HttpResponseMessage> PostAsync(string body, string? signature = null, long? channelId = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{channelId ?? ChannelId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (signature != "") request.Headers.Add(MessengerDeliveries.SignatureHeader, signature ?? MessengerDeliveries.Sign(body, AppSecret));
            return App.CreateClient().SendAsync(request);
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private const string Secret = "messenger-app-secret";

    private static async Task<Setup> SetUpAsync(DatabaseProvider db, FakeGraphApi graph, AppClock clock = AppClock.Running, bool humanAgent = false)
    {
        var app = new LiaisonApp(db, services => services.AddSingleton(new MessengerOptions { GraphApiBase = graph.Base }), clock);
        await app.StartAsync();
        var channelId = await ConnectAsync(app, graph, humanAgent, "Bakery page");
        var clientId = await ClientsApiTest.NewClient(app.Api(), ApiCalls.Unique("Messenger client "));
        await ClientsApiTest.NewContact(app.Api(), clientId, "Olena", ("messenger", Psid));
        return new Setup(app, channelId, Secret, clientId);
    }

    private static async Task<long> ConnectAsync(LiaisonApp app, FakeGraphApi graph, bool humanAgent, string name) =>
        (await (await app.Api().Post("/api/channels", new
        {
            kind = "messenger", name,
            settings = new Dictionary<string, string>
            {
                ["appSecret"] = Secret, ["verifyToken"] = "page-verify-phrase", [MessengerSender.PageAccessToken] = graph.Token,
                [MessengerDescriptor.HumanAgent] = humanAgent ? "true" : "false",
            },
        })).Json(HttpStatusCode.Created)).Id();

    private static async Task<long> ReceiveAsync(Setup s, string mid, string text, DateTimeOffset at)
    {
        Assert.Equal(HttpStatusCode.OK, (await s.PostAsync(MessengerDeliveries.Text(Psid, mid, text, at))).StatusCode);
        var items = await Eventually.Until(() => TimelineAsync(s), all => all.Any(i => i!["text"]?.GetValue<string>() == text), "the client's message on the timeline");
        return items.First(i => i!["text"]?.GetValue<string>() == text)!.Id();
    }

    private static async Task<JsonArray> TimelineAsync(Setup s) =>
        (await (await s.App.Api().GetAsync($"/api/clients/{s.ClientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray();

    private static async Task<JsonNode> TimelineItemAsync(Setup s, long messageId) =>
        (await TimelineAsync(s)).Single(i => i!["id"]!.GetValue<long>() == messageId)!;

    private static async Task<JsonNode> OutboxAsync(Setup s, long messageId) =>
        await (await s.App.Api().GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK);
}
