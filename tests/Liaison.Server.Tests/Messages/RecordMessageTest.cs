using System.Net;
using Liaison.Server.Tests.Clients;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Messages;

/// <summary>POST /api/messages: history recorded by other means, on the workspace's API channel.</summary>
public class RecordMessageTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SameProviderMessageIdRecordedTwice_IsStoredOnce_AndTheSecondIs409(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, "Recorded twice");
        var email = $"{ApiCalls.Unique("twice")}@example.com";
        await ClientsApiTest.NewContact(api, clientId, "Tess", ("email", email));
        var providerId = ApiCalls.Unique("<msg") + "@example.com>";
        var message = new { channel = "email", counterpart = email, subject = "Invoice", text = "Here it is.", occurredAt = "2026-11-20T09:00:00Z", providerMessageId = providerId };

        var first = await (await api.Post("/api/messages", message)).Json(HttpStatusCode.Created);
        var again = await (await api.Post("/api/messages", message)).Json(HttpStatusCode.Conflict);

        Assert.Equal("providerMessageId", again["field"]!.GetValue<string>());
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ProviderMessageId == providerId)));
        // The channel it is kept on holds history only: no account to list, edit or disconnect.
        var channelId = first["channelId"]!.GetValue<long>();
        Assert.Equal("api", (await app.WithDb(d => d.Channels.SingleAsync(c => c.Id == channelId))).Kind.Value);
        var channels = await (await api.GetAsync("/api/channels")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(channels.AsArray(), c => c!.Id() == channelId);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/channels/{channelId}")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Message_RecordedWithBackfillTrue_IsBackfill_AndWithoutItIsLive(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Backfilled");
        var telegram = "55" + Random.Shared.Next(1000000, 9999999);
        await ClientsApiTest.NewContact(api, clientId, "Bo", ("telegram", telegram));

        var old = await (await api.Post("/api/messages", new { channel = "telegram", counterpart = telegram, text = "from last year", occurredAt = "2025-11-20T09:00:00Z", backfill = true }))
            .Json(HttpStatusCode.Created);
        var live = await (await api.Post("/api/messages", new { channel = "telegram", counterpart = telegram, text = "just now", occurredAt = "2026-11-20T09:00:00Z" }))
            .Json(HttpStatusCode.Created);

        Assert.True(old["backfill"]!.GetValue<bool>());
        Assert.False(live["backfill"]!.GetValue<bool>());
        var items = (await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal([("just now", false), ("from last year", true)], items.Select(i => (i!["text"]!.GetValue<string>(), i["backfill"]!.GetValue<bool>())));
    }
}
