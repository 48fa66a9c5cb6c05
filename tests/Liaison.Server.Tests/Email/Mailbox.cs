using System.Net;
using System.Text.Json.Nodes;
using Liaison.Testing;
using MimeKit;

namespace Liaison.Server.Tests.Email;

/// <summary>A mailbox on the test Dovecot connected to a server as an e-mail channel through the API, and mail shaped the way clients send it.</summary>
internal sealed record Mailbox(LiaisonApp App, MailServers Servers, string Address, long ChannelId)
{
    public static readonly DateTimeOffset Sent = new(2026, 11, 20, 9, 30, 0, TimeSpan.FromHours(1));

    public static async Task<long> ConnectAsync(LiaisonApp app, MailServers mail, string address, string password = MailServers.Password)
    {
        var settings = new Dictionary<string, string>(mail.SettingsFor(address, password).Values);
        var created = await (await app.Api().Post("/api/channels", new { kind = "email", name = address, settings })).Json(HttpStatusCode.Created);
        return created.Id();
    }

    /// <summary>A new mailbox user with <paramref name="seeded"/> already in its INBOX, then connected.</summary>
    public static async Task<Mailbox> CreateAsync(LiaisonApp app, MailServers mail, params MimeMessage[] seeded)
    {
        var address = mail.NewMailbox("owner");
        if (seeded.Length > 0) await mail.AppendAsync(address, "INBOX", seeded);
        return new Mailbox(app, mail, address, await ConnectAsync(app, mail, address));
    }

    /// <summary>The channel's <c>status</c> from GET /api/channels (null while it isn't pulling).</summary>
    public static async Task<JsonNode?> StatusAsync(LiaisonApp app, long channelId)
    {
        var channels = await (await app.Api().GetAsync("/api/channels")).Json(HttpStatusCode.OK);
        return channels.AsArray().Single(c => c!.Id() == channelId)!["status"];
    }

    public Task<JsonNode?> StatusAsync() => StatusAsync(App, ChannelId);

    public Task<JsonNode?> WaitUntilIdleAsync(int expectedTotal) =>
        Eventually.Until(StatusAsync, s => s?["state"]?.GetValue<string>() == "idle" && s["total"]!.GetValue<int>() == expectedTotal && s["done"]!.GetValue<int>() == expectedTotal,
            "the mailbox idle after syncing " + expectedTotal, TimeSpan.FromSeconds(60));

    public static MimeMessage Mail(string from, string subject, string text, string to = "owner@" + MailServers.Domain)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(from, from));
        message.To.Add(new MailboxAddress("Owner", to));
        message.Subject = subject;
        message.Date = Sent;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public static string NewClientAddress(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@client.test";
}
