using System.Net;
using System.Text.Json.Nodes;
using Liaison.Channels.WhatsApp;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Inbound;
using Liaison.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Tests.Outbox;

/// <summary>
/// Replies on WhatsApp through the real <see cref="WhatsAppSender"/> against a local Graph API that
/// answers as the Cloud API documents it: the wamid it names is ours, statuses for it move our
/// message along, rate limits defer, Meta's trouble is retried, refusals fail with Meta's words.
/// </summary>
public class WhatsAppSendTest
{
    private const string PhoneNumberId = "106540352242922";
    internal const string BusinessAccountId = "102290129340398";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_IsPostedToTheGraphApiAnsweringTheClientsMessage_AndItsStatusesMoveOurMessageToRead(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-send-token");
        await using var s = await SetUpAsync(db, graph);
        var inboundId = await ReceiveAsync(s, "wamid.question.1", "Czy faktura jest gotowa?");

        var queued = await (await s.App.Api().Post($"/api/clients/{s.ClientId}/messages", new { text = "Tak, wysyłam za chwilę.", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var sent = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the reply sent");

        var posted = Assert.Single(graph.Sent);
        Assert.Equal((PhoneNumberId, s.WaId, "text", "Tak, wysyłam za chwilę.", "wamid.question.1"),
            (posted.PhoneNumberId, posted.To, posted.Type, posted.Text, posted.ContextMessageId));
        Assert.Equal(posted.Wamid, sent["providerMessageId"]!.GetValue<string>());

        // Meta reports on our wamid: the message it names is ours, and it moves to delivered, then read.
        var at = s.App.Time.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await s.Channel.PostAsync(WhatsAppDeliveries.Status(posted.Wamid, s.WaId, "delivered", at))).StatusCode);
        await Eventually.Until(() => TimelineItemAsync(s, messageId), i => i["deliveryState"]?.GetValue<string>() == "delivered", "the reply delivered");
        Assert.Equal(HttpStatusCode.OK, (await s.Channel.PostAsync(WhatsAppDeliveries.Status(posted.Wamid, s.WaId, "read", at.AddSeconds(5)))).StatusCode);
        var read = await Eventually.Until(() => TimelineItemAsync(s, messageId), i => i["deliveryState"]?.GetValue<string>() == "read", "the reply read");
        Assert.Equal(("outbound", "sent"), (read["direction"]!.GetValue<string>(), read["outboxState"]!.GetValue<string>()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PairRateLimit_DefersTheSendWithoutCountingAnAttempt_AndItGoesOnceTheWaitIsOver(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-send-token");
        await using var s = await SetUpAsync(db, graph, AppClock.Stopped);
        var inboundId = await ReceiveAsync(s, "wamid.question.2", "Are you there?");
        graph.RefuseNextSend(400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
            retryAfterSeconds: 45);
        var now = Instant.FromDateTimeOffset(s.App.Time.GetUtcNow());

        var messageId = (await (await s.App.Api().Post($"/api/clients/{s.ClientId}/messages", new { text = "Yes, one moment.", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();

        var deferred = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "deferred", "the send deferred");
        Assert.Equal((0, now + Duration.FromSeconds(45)), (deferred["attempts"]!.GetValue<int>(), At(deferred["nextAttemptAt"])));
        Assert.Contains("(code 131056)", deferred["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("pair rate limit hit", deferred["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(graph.Sent);

        s.App.Time.Advance(TimeSpan.FromSeconds(45));
        var outbox = s.App.Services.GetRequiredService<OutboxSender>();
        var sent = await Eventually.Until(() => { outbox.Wake(); return OutboxAsync(s, messageId); }, o => State(o) == "sent", "the send made once the wait was over");
        Assert.Equal((1, Assert.Single(graph.Sent).Wamid), (sent["attempts"]!.GetValue<int>(), sent["providerMessageId"]!.GetValue<string>()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MetaRefusingTheMessage_FailsItAtOnceWithMetasCodeAndWords_AndAServerErrorIsRetried(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-send-token");
        await using var s = await SetUpAsync(db, graph);
        var inboundId = await ReceiveAsync(s, "wamid.question.3", "Hello?");

        graph.RefuseNextSend(400, 131026, "(#131026) Message undeliverable", "Message Undeliverable.");
        var refusedId = (await (await s.App.Api().Post($"/api/clients/{s.ClientId}/messages", new { text = "Hello!", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        var refused = await Eventually.Until(() => OutboxAsync(s, refusedId), o => State(o) == "failed", "the refused send failed");
        Assert.Equal(("131026", 1), (refused["lastErrorCode"]!.GetValue<string>(), refused["attempts"]!.GetValue<int>()));
        Assert.Equal("WhatsApp answered HTTP 400 (code 131026): (#131026) Message undeliverable — Message Undeliverable.", refused["lastError"]!.GetValue<string>());
        Assert.Null(refused["nextAttemptAt"]);

        // Meta's "please retry your request later": another attempt after the backoff, which goes.
        graph.RefuseNextSend(500, 2, "An unexpected error has occurred. Please retry your request later.");
        var retriedId = (await (await s.App.Api().Post($"/api/clients/{s.ClientId}/messages", new { text = "Second try", inReplyToMessageId = inboundId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        var sent = await Eventually.Until(() => OutboxAsync(s, retriedId), o => State(o) == "sent", "the send after Meta's server error");
        Assert.Equal(2, sent["attempts"]!.GetValue<int>());
        Assert.Equal(["Second try"], graph.Sent.Select(m => m.Text));
        Assert.Equal("failed", State(await OutboxAsync(s, refusedId)));
    }

    internal sealed record Setup(LiaisonApp App, WhatsAppChannel Channel, long ClientId, string WaId, long ChannelId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>An app whose WhatsApp channel sends through <paramref name="graph"/>, with a client who has a WhatsApp number.</summary>
    internal static async Task<Setup> SetUpAsync(DatabaseProvider db, FakeGraphApi graph, AppClock clock = AppClock.Running, Action<IServiceCollection>? more = null)
    {
        var app = new LiaisonApp(db, services =>
        {
            services.AddSingleton(new WhatsAppOptions { GraphApiBase = graph.Base });
            more?.Invoke(services);
        }, clock);
        await app.StartAsync();
        var secret = ApiCalls.Unique("secret-");
        var created = await (await app.Api().Post("/api/channels", new
        {
            kind = "whatsapp", name = "Business number",
            settings = new Dictionary<string, string>
            {
                ["appSecret"] = secret, ["verifyToken"] = "verify-me", [WhatsAppMediaFetcher.AccessToken] = graph.Token, [WhatsAppSender.PhoneNumberId] = PhoneNumberId,
                [WhatsAppTemplates.BusinessAccountId] = BusinessAccountId,
            },
        })).Json(HttpStatusCode.Created);
        var waId = "4860" + Random.Shared.Next(1000000, 9999999);
        var clientId = await ClientsApiTest.NewClient(app.Api(), ApiCalls.Unique("WhatsApp client "));
        await ClientsApiTest.NewContact(app.Api(), clientId, "Wiktoria", ("whatsapp", "+" + waId));
        return new Setup(app, new WhatsAppChannel(app.CreateClient(), created.Id(), secret), clientId, waId, created.Id());
    }

    /// <summary>The client writes on WhatsApp now (by the app's clock); answers our id of their message once it is on the timeline.</summary>
    internal static async Task<long> ReceiveAsync(Setup s, string wamid, string text, DateTimeOffset? at = null)
    {
        Assert.Equal(HttpStatusCode.OK, (await s.Channel.PostAsync(WhatsAppDeliveries.Text(s.WaId, "Wiktoria", wamid, text, at ?? s.App.Time.GetUtcNow()))).StatusCode);
        var items = await Eventually.Until(() => TimelineAsync(s), items => items.Any(i => i!["text"]?.GetValue<string>() == text), "the client's message on the timeline");
        return items.First(i => i!["text"]?.GetValue<string>() == text)!.Id();
    }

    internal static async Task<JsonArray> TimelineAsync(Setup s) =>
        (await (await s.App.Api().GetAsync($"/api/clients/{s.ClientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray();

    private static async Task<JsonNode> TimelineItemAsync(Setup s, long messageId) =>
        (await TimelineAsync(s)).Single(i => i!["id"]!.GetValue<long>() == messageId)!;

    internal static async Task<JsonNode> OutboxAsync(Setup s, long messageId) =>
        await (await s.App.Api().GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK);

    internal static string State(JsonNode outbox) => outbox["state"]!.GetValue<string>();

    private static Instant At(JsonNode? value) => InstantPattern.ExtendedIso.Parse(value!.GetValue<string>()).Value;
}
