using System.Net;
using System.Text;
using Liaison.Channels.WhatsApp;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Attachments;

/// <summary>
/// Media that a channel delivers by reference (a WhatsApp image is only a media id in the webhook)
/// are recorded as pending with the message and fetched by a background step through the channel's
/// real client code, here against a local Graph API that answers as Meta documents it.
/// </summary>
public class MediaByReferenceTest
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 24, 10, 15, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImageDeliveredAsAMediaId_IsFetchedThroughTheGraphApi_AndStoredWithItsMessage(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-test-token");
        var photo = Encoding.UTF8.GetBytes("\u00ff\u00d8 a JPEG of the signed contract " + Guid.NewGuid());
        graph.Add("1203958712345", photo, "image/jpeg");
        await using var app = await StartAsync(db, graph);
        var (channel, clientId, waId) = await ConnectAsync(app, graph.Token);

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Media(waId, "Wiktoria", "wamid.photo.1", "image", "1203958712345", "image/jpeg", Sent, caption: "Podpisana umowa"))).StatusCode);

        var attachment = await Eventually.Until(
            () => app.WithDb(d => d.Attachments.Where(a => d.Messages.Any(m => m.Id == a.MessageId && m.ProviderMessageId == "wamid.photo.1")).ToListAsync()),
            list => list.Count == 1, "the photo fetched and stored with its message");
        Assert.Equal(("image/jpeg", (long)photo.Length), (attachment[0].ContentType, attachment[0].Size));
        Assert.Equal(photo, await (await app.Api().GetAsync($"/api/attachments/{attachment[0].Id}")).Content.ReadAsByteArrayAsync());
        Assert.Equal(0, await app.WithDb(d => d.PendingAttachments().CountAsync()));
        var item = (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]![0]!;
        Assert.Equal("Podpisana umowa", item["text"]!.GetValue<string>());
        Assert.Equal(1, item["attachmentCount"]!.GetValue<int>());
        Assert.Null(item["pendingAttachments"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task GraphApiFailingForNow_LeavesTheMediaPendingWithItsWords_AndALaterAttemptFetchesIt(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-test-token");
        graph.Add("88001", "%PDF-1.7 offer"u8.ToArray(), "application/pdf");
        graph.FailNext(1);
        await using var app = await StartAsync(db, graph);
        var (channel, clientId, waId) = await ConnectAsync(app, graph.Token);

        await channel.PostAsync(WhatsAppDeliveries.Media(waId, "Wiktoria", "wamid.doc.1", "document", "88001", "application/pdf", Sent, fileName: "oferta.pdf"));

        // The first attempt met Graph's 500: the message is on the timeline, its file shown as being fetched, with why.
        var pending = await Eventually.Until(
            async () => (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray().FirstOrDefault()?["pendingAttachments"],
            p => p is not null && p[0]!["attempts"]!.GetValue<int>() == 1, "the failed first attempt on the timeline");
        Assert.Equal(("oferta.pdf", "fetching"), (pending![0]!["fileName"]!.GetValue<string>(), pending[0]!["state"]!.GetValue<string>()));
        Assert.Contains("An unexpected error has occurred", pending[0]!["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(pending[0]!["nextAttemptAt"]);

        // The backoff's next attempt finds Graph well again.
        var stored = await Eventually.Until(() => app.WithDb(d => d.Attachments.CountAsync(a => d.Messages.Any(m => m.Id == a.MessageId && m.ProviderMessageId == "wamid.doc.1"))),
            n => n == 1, "the document fetched on the next attempt");
        Assert.Equal(1, stored);
        Assert.Equal(1, graph.Downloads);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MediaTheGraphApiSaysDoNotExist_AreGivenUpWithItsWords_AndTheOwnersRetryFetchesThemOnceThere(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-test-token");
        await using var app = await StartAsync(db, graph);
        var (channel, clientId, waId) = await ConnectAsync(app, graph.Token);

        await channel.PostAsync(WhatsAppDeliveries.Media(waId, "Wiktoria", "wamid.voice.1", "audio", "55500", "audio/ogg; codecs=opus", Sent));

        var failed = await Eventually.Until(() => app.WithDb(d => d.PendingAttachments().FirstOrDefaultAsync()),
            p => p?.State == PendingAttachmentState.Failed, "the fetch given up at once");
        Assert.Equal(1, failed!.Attempts);
        Assert.Null(failed.NextAttemptAt);
        Assert.Contains("does not exist", failed.LastError, StringComparison.Ordinal);
        var item = (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]![0]!;
        Assert.Equal("failed", item["pendingAttachments"]![0]!["state"]!.GetValue<string>());

        graph.Add("55500", "OggS voice"u8.ToArray(), "audio/ogg");
        Assert.Equal(HttpStatusCode.NoContent, (await app.Api().PostAsync($"/api/pending-attachments/{failed.Id}/retry", null)).StatusCode);

        await Eventually.Until(() => app.WithDb(d => d.Attachments.CountAsync(a => a.MessageId == failed.MessageId)), n => n == 1, "the voice note fetched after Retry");
        Assert.Equal(0, await app.WithDb(d => d.PendingAttachments().CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().PostAsync($"/api/pending-attachments/{failed.Id}/retry", null)).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MediaOnAChannelWithoutAnAccessToken_AreKeptAsFailedWithWhatToDo(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-test-token");
        graph.Add("77001", [1, 2, 3], "image/png");
        await using var app = await StartAsync(db, graph);
        var (channel, _, waId) = await ConnectAsync(app, accessToken: null);

        await channel.PostAsync(WhatsAppDeliveries.Media(waId, "Wiktoria", "wamid.photo.2", "image", "77001", "image/png", Sent));

        var failed = await Eventually.Until(() => app.WithDb(d => d.PendingAttachments().FirstOrDefaultAsync()),
            p => p?.State == PendingAttachmentState.Failed, "the fetch given up");
        Assert.Contains("access token", failed!.LastError, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ProviderMessageId == "wamid.photo.2")));
        Assert.Equal(0, graph.Downloads);
    }

    private static async Task<LiaisonApp> StartAsync(DatabaseProvider db, FakeGraphApi graph)
    {
        var app = new LiaisonApp(db, services => services.AddSingleton(new WhatsAppOptions { GraphApiBase = graph.Base }));
        await app.StartAsync();
        return app;
    }

    private static async Task<(WhatsAppChannel Channel, long ClientId, string WaId)> ConnectAsync(LiaisonApp app, string? accessToken)
    {
        var secret = ApiCalls.Unique("secret-");
        var settings = new Dictionary<string, string> { ["appSecret"] = secret, ["verifyToken"] = "verify-me" };
        if (accessToken is not null) settings[WhatsAppMediaFetcher.AccessToken] = accessToken;
        var created = await (await app.Api().Post("/api/channels", new { kind = "whatsapp", name = "Business number", settings })).Json(HttpStatusCode.Created);
        var waId = "4860" + Random.Shared.Next(1000000, 9999999);
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Client with photos");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Wiktoria", ("whatsapp", "+" + waId));
        return (new WhatsAppChannel(app.CreateClient(), created.Id(), secret), clientId, waId);
    }
}
