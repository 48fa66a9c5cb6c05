using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Tests.Clients;
using Microsoft.EntityFrameworkCore;
using Liaison.Testing;
using MimeKit;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>Mail written to hurt, through the real pipeline: it is stored, bounded and shown, never dropped, and nothing stalls.</summary>
public class HostileMailTest(LiaisonApps apps, MailServers mail)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mailbox_MailOfThousandsOfPartsAndDeepHtml_IsStoredBoundedAndItsAttachmentsListedOnDemand(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Hostile Ltd");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));

        // 20,000 empty parts (which became 19,999 zero-byte attachments) and 130 real ones.
        var parts = Mail(anna, "Many parts", "");
        var body = new Multipart("mixed") { new TextPart("plain") { Text = "See the parts." } };
        for (var i = 0; i < 20_000; i++) body.Add(new MimePart("application", "octet-stream") { Content = new MimeContent(new MemoryStream()) });
        for (var i = 0; i < 130; i++)
            body.Add(new MimePart("text", "csv") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes($"row,{i}"))), FileName = $"rows-{i:000}.csv" });
        parts.Body = body;
        // An HTML-only mail of 30,000 nested <div>s: 42 s of processing before, holding up the normal mail next to it.
        var deep = Mail(anna, "Deep", "");
        deep.Body = new TextPart("html") { Text = "<p>Please pay</p>" + string.Concat(Enumerable.Repeat("<div>", 30_000)) + "the invoice" };
        var normal = Mail(anna, "Normal", "Just a question.");

        var mailbox = await CreateAsync(app, mail, parts, deep, normal);
        await mailbox.WaitUntilIdleAsync(3);
        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId && x.State == DeliveryProcessing.Processed)),
            n => n == 3, "the three deliveries processed", TimeSpan.FromSeconds(30));

        var response = await app.Api().GetAsync($"/api/clients/{clientId}/timeline");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(raw.Length < 20_000, $"the timeline page is {raw.Length} characters");
        var items = JsonNode.Parse(raw)!["items"]!.AsArray();
        JsonNode Item(string subject) => Assert.Single(items, i => i!["subject"]!.GetValue<string>() == subject)!;

        var many = Item("Many parts");
        Assert.Equal(100, many["attachmentCount"]!.GetValue<int>());
        Assert.Equal(30, many["attachmentsLeftOut"]!.GetValue<int>());
        Assert.Equal(10, many["attachments"]!.AsArray().Count);
        var all = (await (await app.Api().GetAsync($"/api/messages/{many.Id()}/attachments")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"rows-{i:000}.csv"), all.Select(a => a!["fileName"]!.GetValue<string>()));
        Assert.Equal("row,99", await app.Api().GetStringAsync(all[99]!["url"]!.GetValue<string>()));
        // The raw mail stays stored, so nothing past the cap is lost.
        Assert.Equal(3, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId)));

        var formatted = Item("Deep");
        Assert.True(formatted["formattingWithheld"]!.GetValue<bool>());
        Assert.Null(formatted["html"]);
        Assert.Equal("Please pay\nthe invoice", formatted["text"]!.GetValue<string>());
        Assert.Equal("Just a question.", Item("Normal")["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().GetAsync("/api/messages/987654321/attachments")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ApiMessage_WithTwoHundredThousandNestedElements_IsRecordedAtOnceAsTextWithANote(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var email = $"{ApiCalls.Unique("deep")}@example.com";
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Deep API");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Dee", ("email", email));
        var html = "<p>Hello</p>" + string.Concat(Enumerable.Repeat("<i>", 200_000)) + "world";
        var clock = Stopwatch.StartNew();

        var recorded = await (await app.Api().Post("/api/messages", new { channel = "email", counterpart = email, subject = "Deep", html })).Json(HttpStatusCode.Created);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var item = Assert.Single((await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray())!;
        Assert.Equal(recorded.Id(), item.Id());
        Assert.True(item["formattingWithheld"]!.GetValue<bool>());
        Assert.Null(item["html"]);
        Assert.Equal("Hello\nworld", item["text"]!.GetValue<string>());
    }
}
