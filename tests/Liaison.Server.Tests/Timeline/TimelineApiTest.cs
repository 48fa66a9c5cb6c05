using System.Net;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Clients;

namespace Liaison.Server.Tests.Timeline;

public class TimelineApiTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Timeline_PagedWithCursors_ListsEveryItemOnceNewestFirst(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Paging");
        var telegram = "55" + Random.Shared.Next(1000000, 9999999);
        await ClientsApiTest.NewContact(api, clientId, "Pat", ("telegram", telegram));
        var start = new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            // Every third item shares its instant with the previous one: ties must not drop or repeat items.
            var at = start.AddMinutes(i - (i % 3 == 2 ? 1 : 0)).ToString("O");
            if (i % 2 == 0)
                await (await api.Post("/api/messages", new { channel = "telegram", counterpart = telegram, text = $"m{i}", occurredAt = at })).Json(HttpStatusCode.Created);
            else
                await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "call", text = $"n{i}", occurredAt = at })).Json(HttpStatusCode.Created);
            expected.Add(i % 2 == 0 ? $"m{i}" : $"n{i}");
        }

        var seen = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await api.GetAsync($"/api/clients/{clientId}/timeline?limit=5{(cursor is null ? "" : "&before=" + cursor)}")).Json(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(x => x!));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(5, pages);
        Assert.Equal(23, seen.Select(i => i["text"]!.GetValue<string>()).Distinct().Count());
        var times = seen.Select(i => DateTimeOffset.Parse(i["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal(expected.Order().ToList(), seen.Select(i => i["text"]!.GetValue<string>()).Order().ToList());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Timeline_ShowsChannelAndDirectionOfEachItem(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Glance");
        var email = $"{ApiCalls.Unique("g")}@example.com";
        await ClientsApiTest.NewContact(api, clientId, "Gina", ("email", email));
        await api.Post("/api/messages", new { channel = "email", direction = "inbound", counterpart = email, subject = "Offer", text = "Can you send the offer?", occurredAt = "2026-11-20T09:00:00Z" });
        await api.Post("/api/messages", new { channel = "email", direction = "outbound", counterpart = email, subject = "Re: Offer", text = "Attached.", occurredAt = "2026-11-20T10:00:00Z" });
        await api.Post($"/api/clients/{clientId}/notes", new { kind = "fragment", source = "viber", text = "ok, thanks!", occurredAt = "2026-11-20T11:00:00Z" });

        var items = (await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray();

        Assert.Equal(["note:viber:", "message:email:outbound", "message:email:inbound"],
            items.Select(i => $"{i!["type"]}:{i["channel"]}:{i["direction"]}"));
        Assert.Equal("Gina", items[2]!["from"]!.GetValue<string>());
        // Our reply an hour later answered it.
        Assert.False(items[2]!["needsAnswer"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Timeline_ForeignCursorOrLimit_Is400NamingTheField(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Bad cursor");
        var cursor = await (await api.GetAsync($"/api/clients/{clientId}/timeline?before=garbage")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("before", cursor["field"]!.GetValue<string>());
        var limit = await (await api.GetAsync($"/api/clients/{clientId}/timeline?limit=100000")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("limit", limit["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Note_WithUnknownKindOrBadDate_Is400AndNothingIsStored(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Bad notes");
        var kind = await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "gossip", text = "x" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("kind", kind["field"]!.GetValue<string>());
        var date = await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "call", text = "x", occurredAt = "yesterday" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("occurredAt", date["field"]!.GetValue<string>());
        var empty = await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "call", text = " " })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("text", empty["field"]!.GetValue<string>());
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Empty(timeline["items"]!.AsArray());
    }
}
