using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Liaison.Testing;
using static Liaison.Server.Tests.Outbox.WhatsAppSendTest;

namespace Liaison.Server.Tests.Outbox;

/// <summary>
/// WhatsApp's 24-hour customer-service window, per conversation: free text only within 24 hours of
/// the client's last message, an approved template (synced from the Graph API) at any time.
/// </summary>
public class WhatsAppWindowTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TextMoreThan24HoursAfterTheClientWrote_IsRefusedNamingTheText_AndAnApprovedTemplateGoesInstead(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-window-token");
        graph.AddTemplate("invoice_ready", "pl", "Dzień dobry {{1}}, faktura {{2}} jest gotowa.");
        await using var s = await SetUpAsync(db, graph, AppClock.Stopped);
        var inboundId = await ReceiveAsync(s, "wamid.old.1", "Proszę o fakturę", s.App.Time.GetUtcNow().AddHours(-25));
        var api = s.App.Api();

        var refused = await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "Here it is", inReplyToMessageId = inboundId });
        var problem = await refused.Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.window.closed", problem["rule"]?.GetValue<string>());
        Assert.True(problem["errors"]?["text"] is not null, $"the problem names the text: {problem}");
        Assert.Contains("only an approved template can go", problem.ToJsonString(), StringComparison.Ordinal);

        var synced = await (await api.PostAsync($"/api/channels/{s.ChannelId}/templates/sync", null)).Json(HttpStatusCode.OK);
        Assert.Equal("invoice_ready", synced["templates"]![0]!["name"]!.GetValue<string>());
        var queued = await (await api.Post($"/api/clients/{s.ClientId}/messages", new
        {
            inReplyToMessageId = inboundId, template = new { name = "invoice_ready", language = "pl", parameters = new[] { "Pani Wiktorio", "FV/12/2026" } },
        })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var outbox = s.App.Services.GetRequiredService<Liaison.Server.Features.Outbox.OutboxSender>();
        await Eventually.Until(() => { outbox.Wake(); return OutboxAsync(s, messageId); }, o => State(o) == "sent", "the template sent");

        var posted = Assert.Single(graph.Sent);
        Assert.Equal(("template", "invoice_ready", "pl", s.WaId), (posted.Type, posted.TemplateName, posted.TemplateLanguage, posted.To));
        Assert.Equal(["Pani Wiktorio", "FV/12/2026"], posted.TemplateValues);
        // The timeline shows what the client reads.
        var item = (await TimelineAsync(s)).Single(i => i!["id"]!.GetValue<long>() == messageId)!;
        Assert.Equal("Dzień dobry Pani Wiktorio, faktura FV/12/2026 jest gotowa.", item["text"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WindowIsPerConversation_AndCountsFromTheClientsLastMessage(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-window-token");
        await using var s = await SetUpAsync(db, graph, AppClock.Stopped);
        var api = s.App.Api();
        var old = await ReceiveAsync(s, "wamid.old.2", "First question", s.App.Time.GetUtcNow().AddHours(-30));
        // A newer message of the same client reopens the window for the whole conversation, the old message's reply too.
        await ReceiveAsync(s, "wamid.new.2", "Second question", s.App.Time.GetUtcNow().AddHours(-23));
        await (await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "Answering the first", inReplyToMessageId = old })).Json(HttpStatusCode.Accepted);

        // Another client's number on the same channel never wrote: a new text to them is refused.
        var otherClient = await Liaison.Server.Tests.Clients.ClientsApiTest.NewClient(api, ApiCalls.Unique("Silent client "));
        await Liaison.Server.Tests.Clients.ClientsApiTest.NewContact(api, otherClient, "Milczący", ("whatsapp", "+48 600 999 111"));
        var problem = await (await api.Post($"/api/clients/{otherClient}/messages", new { channelId = s.ChannelId, text = "Hello" })).Json(HttpStatusCode.BadRequest);
        Assert.Contains("has not written", problem.ToJsonString(), StringComparison.Ordinal);

        // One more hour and the first client's window closes too.
        s.App.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var closed = await (await api.Post($"/api/clients/{s.ClientId}/messages", new { text = "Too late", inReplyToMessageId = old })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.window.closed", closed["rule"]?.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TemplatesSync_KeepsTheApprovedOnesAcrossPages_AndATemplateNotKeptOrMisfilledIsRefused(DatabaseProvider db)
    {
        await using var graph = await FakeGraphApi.StartAsync("EAAG-window-token");
        for (var i = 0; i < 120; i++) graph.AddTemplate($"notice_{i:000}", "en_US", "Notice {{1}}");
        graph.AddTemplate("waiting_for_meta", "en_US", "Pending {{1}}", status: "PENDING");
        graph.AddTemplate("booking", "en_US", "Your booking for {{guests}} on {{day}} is confirmed.", named: true);
        await using var s = await SetUpAsync(db, graph, AppClock.Stopped);
        var api = s.App.Api();

        var synced = await (await api.PostAsync($"/api/channels/{s.ChannelId}/templates/sync", null)).Json(HttpStatusCode.OK);
        var names = synced["templates"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(121, names.Count);
        Assert.DoesNotContain("waiting_for_meta", names);
        Assert.Equal(2, graph.TemplateLookups);
        var listed = await (await api.GetAsync($"/api/channels/{s.ChannelId}/templates")).Json(HttpStatusCode.OK);
        var booking = listed["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "booking")!;
        Assert.Equal(["guests", "day"], booking["parameters"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.NotNull(listed["syncedAt"]);

        // A team member writes the replies, so they sync and read the templates too.
        var member = s.App.ApiAs(await s.App.NewTeamMemberAsync());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/channels/{s.ChannelId}/templates")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/channels/{s.ChannelId}/templates/sync", null)).StatusCode);

        var unknown = await (await api.Post($"/api/clients/{s.ClientId}/messages", new
        {
            channelId = s.ChannelId, template = new { name = "waiting_for_meta", language = "en_US", parameters = new[] { "x" } },
        })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.template.unknown", unknown["rule"]?.GetValue<string>());
        Assert.True(unknown["errors"]?["template"] is not null, unknown.ToJsonString());
        var misfilled = await (await api.Post($"/api/clients/{s.ClientId}/messages", new
        {
            channelId = s.ChannelId, template = new { name = "booking", language = "en_US", parameters = new[] { "4" } },
        })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("message.template.parameters", misfilled["rule"]?.GetValue<string>());

        // A named template goes with each value named, to a client who never wrote.
        var messageId = (await (await api.Post($"/api/clients/{s.ClientId}/messages", new
        {
            channelId = s.ChannelId, template = new { name = "booking", language = "en_US", parameters = new[] { "4", "Saturday" } },
        })).Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        var outbox = s.App.Services.GetRequiredService<Liaison.Server.Features.Outbox.OutboxSender>();
        await Eventually.Until(() => { outbox.Wake(); return OutboxAsync(s, messageId); }, o => State(o) == "sent", "the named template sent");
        var parameters = Assert.Single(graph.Sent).Body.GetProperty("template").GetProperty("components")[0].GetProperty("parameters");
        Assert.Equal(("guests", "4"), (parameters[0].GetProperty("parameter_name").GetString(), parameters[0].GetProperty("text").GetString()));
    }
}
