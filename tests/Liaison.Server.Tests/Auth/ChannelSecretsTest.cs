using System.Net;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Auth;

/// <summary>
/// A stored mailbox password belongs to the server it was entered for: an edit that points it at
/// another host, port, TLS mode or user without entering it again is refused, so whoever can edit
/// settings cannot make the server log in to their machine with the owner's password.
/// </summary>
public class ChannelSecretsTest(LiaisonApps apps)
{
    // Nothing listens there: the settings are only stored and checked, no mail server is needed.
    private static Dictionary<string, string> Mailbox(string address, bool separateSmtpPassword = false)
    {
        var settings = new Dictionary<string, string>
        {
            ["address"] = address, ["user"] = address, ["password"] = "owners-imap-password",
            ["imap.host"] = "127.0.0.1", ["imap.port"] = "1", ["imap.tls"] = "ssl",
            ["smtp.host"] = "127.0.0.1", ["smtp.port"] = "2", ["smtp.tls"] = "starttls",
        };
        if (separateSmtpPassword) settings["smtp.password"] = "owners-smtp-password";
        return settings;
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_ThatSendsTheKeptPasswordToAnotherServer_Is400NamingIt_AndChangesNothing(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = $"{ApiCalls.Unique("box")}@example.com";
        var channelId = await ConnectAsync(app, Mailbox(address));
        var before = await ProtectedAsync(app, channelId);

        foreach (var (field, value) in new[]
                 {
                     ("imap.host", "localhost"), ("imap.port", "2993"), ("imap.tls", "none"), ("user", "someone-else"),
                     ("smtp.host", "localhost"), ("smtp.port", "2525"), ("smtp.tls", "none"), ("smtp.user", "someone-else"),
                 })
        {
            foreach (var keep in new[] { "empty", "left out" })
            {
                var form = Form(Mailbox(address), (field, value));
                if (keep == "empty") form["password"] = "";
                else form.Remove("password");
                var problem = await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = form })).Json(HttpStatusCode.BadRequest);
                Assert.Equal("password", problem["field"]!.GetValue<string>());
                Assert.Equal("Enter the password again: the server changed.", problem["errors"]!["password"]![0]!.GetValue<string>());
            }
        }
        Assert.Equal(before, await ProtectedAsync(app, channelId));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_OfASeparateSmtpServer_AsksForTheSmtpPasswordOnly(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = $"{ApiCalls.Unique("box")}@example.com";
        var channelId = await ConnectAsync(app, Mailbox(address, separateSmtpPassword: true));
        var before = await ProtectedAsync(app, channelId);

        var moved = Form(Mailbox(address), ("smtp.host", "localhost"), ("password", ""), ("smtp.password", ""));
        var problem = await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = moved })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("smtp.password", problem["field"]!.GetValue<string>());
        Assert.Equal(before, await ProtectedAsync(app, channelId));

        // The IMAP password still goes where it went; the SMTP one is entered again for its new server.
        moved["smtp.password"] = "smtp-password-for-localhost";
        await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = moved })).Json(HttpStatusCode.OK);
        var stored = await StoredAsync(app, channelId);
        Assert.Equal("owners-imap-password", stored["password"]);
        Assert.Equal("smtp-password-for-localhost", stored["smtp.password"]);
        Assert.Equal("localhost", stored["smtp.host"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_OfTheNameOrFoldersOrADefaultWrittenOut_KeepsTheStoredPassword(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = $"{ApiCalls.Unique("box")}@example.com";
        var channelId = await ConnectAsync(app, Mailbox(address));

        var form = Form(Mailbox(address), ("password", ""), ("name", "Olga's studio"), ("folders", "INBOX, Archive"), ("imap.host", "127.0.0.1"), ("smtp.tls", "STARTTLS"));
        await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = form })).Json(HttpStatusCode.OK);

        var stored = await StoredAsync(app, channelId);
        Assert.Equal("owners-imap-password", stored["password"]);
        Assert.Equal("Olga's studio", stored["name"]);
        Assert.Equal("INBOX, Archive", stored["folders"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Edit_ToAnotherServer_WithThePasswordEnteredAgain_IsSaved(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var address = $"{ApiCalls.Unique("box")}@example.com";
        var channelId = await ConnectAsync(app, Mailbox(address));

        var form = Form(Mailbox(address), ("imap.host", "localhost"), ("imap.tls", "starttls"), ("imap.port", "143"), ("password", "password-for-localhost"));
        await (await app.Api().Put($"/api/channels/{channelId}/settings", new { settings = form })).Json(HttpStatusCode.OK);

        var stored = await StoredAsync(app, channelId);
        Assert.Equal("password-for-localhost", stored["password"]);
        Assert.Equal("localhost", stored["imap.host"]);
    }

    private static async Task<long> ConnectAsync(LiaisonApp app, Dictionary<string, string> settings) =>
        (await (await app.Api().Post("/api/channels", new { kind = "email", name = settings["address"], settings })).Json(HttpStatusCode.Created)).Id();

    private static Dictionary<string, string> Form(Dictionary<string, string> settings, params (string Name, string Value)[] changes)
    {
        var form = settings.Where(s => !Liaison.Channels.Email.EmailDescriptor.Instance.IsSecret(s.Key)).ToDictionary();
        foreach (var (name, value) in changes) form[name] = value;
        return form;
    }

    private static Task<string> ProtectedAsync(LiaisonApp app, long channelId) =>
        app.WithDb(d => d.ChannelSettings.Where(s => s.ChannelId == channelId).Select(s => s.Protected).SingleAsync());

    private static async Task<ChannelSettings> StoredAsync(LiaisonApp app, long channelId) =>
        app.Services.GetRequiredService<ChannelSettingsProtector>().Unprotect(await ProtectedAsync(app, channelId));
}
