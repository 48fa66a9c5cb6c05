using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>A connected mailbox's settings changed in place (PUT /api/channels/{id}/settings) against the real Dovecot.</summary>
public class MailboxSettingsTest(LiaisonApps apps, MailServers mail)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mailbox_ConnectedWithAWrongPassword_FailsInDovecotsWords_ThenSyncsOnceTheRightOneIsSaved(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Wrong password client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var address = mail.NewMailbox("typo");
        await mail.AppendAsync(address, "INBOX", [Mail(anna, "Waiting for you", "Sent before the mailbox worked.", to: address)]);
        var channelId = await ConnectAsync(app, mail, address, password: "not-the-password");

        var failing = await Eventually.Until(() => StatusAsync(app, channelId), s => s?["state"]?.GetValue<string>() == "failing", "the mailbox failing");
        Assert.Contains("Authentication failed", failing!["error"]!.GetValue<string>());
        var before = await SettingsAsync(app, channelId);

        var saved = await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = Form(before, ("password", MailServers.Password)) })).Json(HttpStatusCode.OK);

        Assert.Equal(channelId, saved.Id());
        var mailbox = new Mailbox(app, mail, address, channelId);
        await mailbox.WaitUntilIdleAsync(1);
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channelId)), n => n == 1, "the waiting mail recorded");
        var timeline = await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal("Waiting for you", Assert.Single(timeline["items"]!.AsArray())!["subject"]!.GetValue<string>());
        Assert.Equal(before.ToJsonString(), (await SettingsAsync(app, channelId)).ToJsonString());
        Assert.Equal(MailServers.Password, (await StoredAsync(app, channelId))["password"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_WithThePasswordLeftEmptyOrOut_KeepsTheStoredOne_AndWhereTheSyncWas(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Kept password client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var mailbox = await CreateAsync(app, mail, Mail(anna, "First", "One."), Mail(anna, "Second", "Two."));
        await mailbox.WaitUntilIdleAsync(2);

        var form = Form(await SettingsAsync(app, mailbox.ChannelId), ("password", ""), ("name", "Olga's studio"));
        await (await app.Api().Put($"/api/channels/{mailbox.ChannelId}/settings", new { settings = form })).Json(HttpStatusCode.OK);

        var stored = await StoredAsync(app, mailbox.ChannelId);
        Assert.Equal(MailServers.Password, stored["password"]);
        Assert.Equal("Olga's studio", stored["name"]);
        // Started again with the new settings: it logs in with the kept password and, its checkpoints
        // kept (same host and user), finds nothing left to fetch.
        await mailbox.WaitUntilIdleAsync(0);

        form.Remove("password");
        form["folders"] = "INBOX";
        await (await app.Api().Put($"/api/channels/{mailbox.ChannelId}/settings", new { settings = form })).Json(HttpStatusCode.OK);
        Assert.Equal(MailServers.Password, (await StoredAsync(app, mailbox.ChannelId))["password"]);
        await mailbox.WaitUntilIdleAsync(0);

        await mail.SendAsync(Mail(anna, "Third", "Three.", to: mailbox.Address));
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)), n => n == 3, "the new mail recorded", TimeSpan.FromSeconds(30));
        // Once the pass that fetched it is over and everything stored is processed, a copy fetched twice would show.
        await Eventually.Until(() => mailbox.StatusAsync(), s => s?["state"]?.GetValue<string>() == "idle", "the mailbox idle again");
        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId && x.State != DeliveryProcessing.Processed)),
            n => n == 0, "every stored delivery processed");
        Assert.Equal(3, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId)));
        Assert.Equal(3, await app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_WithABadPortOrHost_Is400NamingTheField_AndTheStoredSettingsKeepWorking(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Bad port client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var mailbox = await CreateAsync(app, mail);
        await mailbox.WaitUntilIdleAsync(0);
        var before = await SettingsAsync(app, mailbox.ChannelId);
        var protectedBefore = await ProtectedAsync(app, mailbox.ChannelId);

        foreach (var (field, value) in new[] { ("imap.port", "99999"), ("smtp.port", "five"), ("imap.host", "imap.example.test:993"), ("smtp.host", "smtp://mail.example.test"), ("imap.tls", "maybe") })
        {
            var form = Form(before, ("password", "a-new-password"), (field, value));
            var problem = await (await app.Api().Put($"/api/channels/{mailbox.ChannelId}/settings", new { settings = form })).Json(HttpStatusCode.BadRequest);
            Assert.Equal(field, problem["field"]!.GetValue<string>());
            Assert.Contains(value, problem["errors"]![field]![0]!.GetValue<string>());
        }
        var missing = Form(before);
        missing.Remove("imap.host");
        Assert.Equal("imap.host", (await (await app.Api().Put($"/api/channels/{mailbox.ChannelId}/settings", new { settings = missing })).Json(HttpStatusCode.BadRequest))["field"]!.GetValue<string>());

        // Connecting is held to the same rules: nothing is created.
        var channels = (await (await app.Api().GetAsync("/api/channels")).Json(HttpStatusCode.OK)).AsArray().Count;
        var connect = Form(before, ("password", MailServers.Password), ("imap.port", "0"));
        Assert.Equal("imap.port", (await (await app.Api().Post("/api/channels", new { kind = "email", name = "bad port", settings = connect })).Json(HttpStatusCode.BadRequest))["field"]!.GetValue<string>());
        Assert.Equal(channels, (await (await app.Api().GetAsync("/api/channels")).Json(HttpStatusCode.OK)).AsArray().Count);

        Assert.Equal(protectedBefore, await ProtectedAsync(app, mailbox.ChannelId));
        Assert.Equal("idle", (await mailbox.StatusAsync())!["state"]!.GetValue<string>());
        await mail.SendAsync(Mail(anna, "Still there?", "Checking.", to: mailbox.Address));
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)), n => n == 1, "the mail recorded", TimeSpan.FromSeconds(30));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_ToAnotherMailbox_ReadsThatMailboxFromItsStart(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Moved mailbox client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var old = await CreateAsync(app, mail, Mail(anna, "Old 1", "a"), Mail(anna, "Old 2", "b"), Mail(anna, "Old 3", "c"));
        // Made right away: on one Dovecot its INBOX likely has the old one's UIDVALIDITY, and its UIDs start at 1 again.
        var moved = mail.NewMailbox("moved");
        await mail.AppendAsync(moved, "INBOX", [Mail(anna, "New 1", "d", to: moved)]);
        await old.WaitUntilIdleAsync(3);

        // Another user is another account: its password is entered again (here the test server's one for every mailbox).
        var form = Form(await SettingsAsync(app, old.ChannelId), ("user", moved), ("address", moved), ("password", MailServers.Password));
        await (await app.Api().Put($"/api/channels/{old.ChannelId}/settings", new { settings = form })).Json(HttpStatusCode.OK);

        await new Mailbox(app, mail, moved, old.ChannelId).WaitUntilIdleAsync(1);
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == old.ChannelId)), n => n == 4, "the other mailbox's mail recorded");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Secrets_NeverAppearInAnyAnswer(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = mail.NewMailbox("secretive");
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var smtpPassword = "smtp-pw-" + Guid.NewGuid().ToString("N");
        var newPassword = "new-pw-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string>(mail.SettingsFor(address, password).Values) { ["smtp.password"] = smtpPassword };
        var answers = new List<string>();
        async Task<string> Read(HttpResponseMessage response, HttpStatusCode expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
            answers.Add(body);
            return body;
        }

        var created = JsonNode.Parse(await Read(await app.Api().Post("/api/channels", new { kind = "email", name = address, settings }), HttpStatusCode.Created))!;
        var channelId = created.Id();
        await Read(await app.Api().GetAsync("/api/channels"), HttpStatusCode.OK);
        var view = JsonNode.Parse(await Read(await app.Api().GetAsync($"/api/channels/{channelId}/settings"), HttpStatusCode.OK))!;
        await Read(await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = Form(view, ("password", newPassword), ("imap.port", "-1")) }), HttpStatusCode.BadRequest);
        await Read(await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = Form(view, ("password", newPassword)) }), HttpStatusCode.OK);
        await Read(await app.Api().GetAsync($"/api/channels/{channelId}/settings"), HttpStatusCode.OK);
        await Read(await app.Api().GetAsync("/api/channels"), HttpStatusCode.OK);

        foreach (var secret in new[] { password, smtpPassword, newPassword })
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        // What the edit form is filled with: everything but the secrets, whose names say they are stored.
        Assert.Equal(["password", "smtp.password"], view["secrets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(address, view["values"]!["user"]!.GetValue<string>());
        Assert.Equal(mail.ImapPort.ToString(), view["values"]!["imap.port"]!.GetValue<string>());
        Assert.Null(view["values"]!["password"]);
        var stored = await StoredAsync(app, channelId);
        Assert.Equal(newPassword, stored["password"]);
        Assert.Equal(smtpPassword, stored["smtp.password"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_OfAnUnknownOrDisconnectedChannel_IsRefused(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = mail.NewMailbox("gone");
        var channelId = await ConnectAsync(app, mail, address);
        var form = Form(await SettingsAsync(app, channelId));
        (await app.Api().DeleteAsync($"/api/channels/{channelId}")).EnsureSuccessStatusCode();

        var conflict = await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = form })).Json(HttpStatusCode.Conflict);
        Assert.Equal("channel.disconnected", conflict["rule"]!.GetValue<string>());
        await (await app.Api().Put("/api/channels/987654321/settings", new { settings = form })).Json(HttpStatusCode.NotFound);
    }

    /// <summary>GET /api/channels/{id}/settings: the values an edit form is filled with.</summary>
    private static async Task<JsonNode> SettingsAsync(LiaisonApp app, long channelId) =>
        await (await app.Api().GetAsync($"/api/channels/{channelId}/settings")).Json(HttpStatusCode.OK);

    /// <summary>The edit form as the owner submits it: the shown values, with some changed.</summary>
    private static Dictionary<string, string> Form(JsonNode view, params (string Name, string Value)[] changes)
    {
        var form = view["values"]!.AsObject().ToDictionary(v => v.Key, v => v.Value!.GetValue<string>());
        foreach (var (name, value) in changes) form[name] = value;
        return form;
    }

    private static Task<string> ProtectedAsync(LiaisonApp app, long channelId) =>
        app.WithDb(d => d.ChannelSettings.Where(s => s.ChannelId == channelId).Select(s => s.Protected).SingleAsync());

    private static async Task<ChannelSettings> StoredAsync(LiaisonApp app, long channelId) =>
        app.Services.GetRequiredService<ChannelSettingsProtector>().Unprotect(await ProtectedAsync(app, channelId));
}
