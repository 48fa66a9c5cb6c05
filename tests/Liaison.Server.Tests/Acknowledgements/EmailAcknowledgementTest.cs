using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Acknowledgements;
using Liaison.Server.Features.Acknowledgements;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Liaison.Server.Tests.Acknowledgements;

/// <summary>
/// Acknowledgements by e-mail through the real Postfix and Dovecot: what machines send is never
/// acknowledged, ours are marked as automatic (RFC 3834), and two Liaison instances writing to each
/// other stop after one acknowledgement each.
/// </summary>
public class EmailAcknowledgementTest(MailServers mail)
{
    /// <summary>One Liaison with its own mailbox, whose client is the owner of <paramref name="theirs"/>.</summary>
    private sealed record Side(LiaisonApp App, HttpClient Api, string Ours, long ChannelId, long ClientId);

    private async Task<Side> StartAsync(DatabaseProvider db, string ours, string theirs)
    {
        var app = new LiaisonApp(db, AcknowledgementsOn.Configure);
        await app.StartAsync();
        var api = app.Api();
        var settings = new Dictionary<string, string>(mail.SettingsFor(ours).Values);
        var channelId = (await (await api.Post("/api/channels", new { kind = "email", name = ours, settings })).Json(HttpStatusCode.Created)).Id();
        var clientId = await ClientsApiTest.NewClient(api, ApiCalls.Unique("Acks "));
        await ClientsApiTest.NewContact(api, clientId, "The other side", ("email", theirs));
        // Mail found by the first sync is history (backfill, never acknowledged): only what lands after it is live.
        await Eventually.Until(() => Email.Mailbox.StatusAsync(app, channelId), st => st?["state"]?.GetValue<string>() == "idle", "the mailbox's first sync done", TimeSpan.FromSeconds(60));
        return new Side(app, api, ours, channelId, clientId);
    }

    private static MimeMessage Mail(string from, string to, string subject, string text, Action<MimeMessage>? shape = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Body = new TextPart("plain") { Text = text };
        shape?.Invoke(message);
        return message;
    }

    private static async Task<List<JsonNode>> TimelineAsync(Side s) =>
        [.. (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/timeline?limit=100")).Json(HttpStatusCode.OK))["items"]!.AsArray().Select(i => i!)];

    private async Task<MimeMessage> WaitForMailAsync(string address, string? inReplyTo)
    {
        return await Eventually.Until(async () =>
        {
            using var client = await mail.OpenImapAsync(address);
            var inbox = await MailServers.FolderAsync(client, "INBOX");
            await inbox.OpenAsync(FolderAccess.ReadOnly);
            var found = new List<MimeMessage>();
            foreach (var uid in await inbox.SearchAsync(SearchQuery.HeaderContains("In-Reply-To", inReplyTo!))) found.Add(await inbox.GetMessageAsync(uid));
            await client.DisconnectAsync(true);
            return found;
        }, f => f.Count > 0, $"the answer to {inReplyTo} in {address}", TimeSpan.FromSeconds(60)).ContinueWith(t => Assert.Single(t.Result));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AutoReplyAndMailingList_NotAcknowledged_APersonsMailIs_WithRfc3834Headers(DatabaseProvider db)
    {
        var client = mail.NewMailbox("client");
        var s = await StartAsync(db, mail.NewMailbox("liaison"), client);
        await using var _ = s.App;

        var autoReply = Mail(client, s.Ours, "Automatic reply: Invoice", "I am out of the office until Monday.", m => m.Headers.Add("Auto-Submitted", "auto-replied"));
        var list = Mail(client, s.Ours, "Client news, March", "Our newsletter.", m => m.Headers.Add("List-Id", "<news.client.test>"));
        var person = Mail(client, s.Ours, "Invoice", "Could you send the invoice again?");
        foreach (var m in new[] { autoReply, list, person }) await mail.SendAsync(m);

        var answer = await WaitForMailAsync(client, person.MessageId);
        Assert.Equal("auto-replied", answer.Headers["Auto-Submitted"]);
        Assert.Equal("All", answer.Headers["X-Auto-Response-Suppress"]);
        Assert.Equal("Re: Invoice", answer.Subject);
        Assert.StartsWith("Thank you, I have your message. I will answer by ", answer.TextBody, StringComparison.Ordinal);

        var items = await Eventually.Until(() => TimelineAsync(s), all => all.Count(i => i["direction"]!.GetValue<string>() == "inbound") == 3, "the three mails on the timeline");
        foreach (var subject in new[] { "Automatic reply: Invoice", "Client news, March" })
            Assert.False(items.Single(i => i["subject"]?.GetValue<string>() == subject)["needsAnswer"]!.GetValue<bool>());
        var outbound = Assert.Single(items, i => i["direction"]!.GetValue<string>() == "outbound");
        Assert.Equal("acknowledgement", outbound["purpose"]!.GetValue<string>());
        // Only the person's mail was ever a candidate: the machines' mails have no decision at all.
        var decided = await s.App.WithDb(d => d.Acknowledgements().AsNoTracking().Where(a => a.ClientId == s.ClientId).ToListAsync());
        var only = Assert.Single(decided);
        Assert.Equal(AcknowledgementState.Sent, only.State);
        Assert.Contains(only.Reason, new AcknowledgementReason?[] { AcknowledgementReason.OutsideWorkingHours, AcknowledgementReason.LaterThanThreshold });
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TwoInstances_AcknowledgingEachOther_StopAfterOneEach(DatabaseProvider db)
    {
        var (a, b) = (mail.NewMailbox("alpha"), mail.NewMailbox("beta"));
        var alpha = await StartAsync(db, a, b);
        await using var _ = alpha.App;
        var beta = await StartAsync(db, b, a);
        await using var __ = beta.App;

        // Each owner writes to the other from their own mail program (not through Liaison).
        var toAlpha = Mail(b, a, "From beta", "Hello alpha.");
        var toBeta = Mail(a, b, "From alpha", "Hello beta.");
        await mail.SendAsync(toAlpha);
        await mail.SendAsync(toBeta);

        var alphasAck = await WaitForMailAsync(b, toAlpha.MessageId);
        var betasAck = await WaitForMailAsync(a, toBeta.MessageId);
        // Each instance records the other's acknowledgement as a machine's: no answer needed, no decision, nothing sent back.
        foreach (var (side, ack) in new[] { (alpha, betasAck), (beta, alphasAck) })
        {
            var items = await Eventually.Until(() => TimelineAsync(side), all => all.Any(i => i["subject"]?.GetValue<string>() == ack.Subject && i["direction"]!.GetValue<string>() == "inbound"),
                "the other side's acknowledgement recorded");
            Assert.False(items.Single(i => i["subject"]?.GetValue<string>() == ack.Subject && i["direction"]!.GetValue<string>() == "inbound")["needsAnswer"]!.GetValue<bool>());
            var sentByThisSide = items.Where(i => i["direction"]!.GetValue<string>() == "outbound").ToList();
            Assert.Equal("acknowledgement", Assert.Single(sentByThisSide)["purpose"]!.GetValue<string>());
            Assert.Equal(1, await side.App.WithDb(d => d.Acknowledgements().CountAsync(x => x.ClientId == side.ClientId)));
        }
    }
}
