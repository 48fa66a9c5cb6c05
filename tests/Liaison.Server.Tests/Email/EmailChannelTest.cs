using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Utils;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>A mailbox connected through the API, synced from the real Dovecot into the real server.</summary>
public class EmailChannelTest(LiaisonApps apps, MailServers mail)
{
    private static readonly byte[] Pdf = [.. Encoding.ASCII.GetBytes("%PDF-1.4\n"), .. Enumerable.Range(0, 40_000).Select(i => (byte)(i * 7))];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 3_000).Select(i => (byte)(i * 13))];

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mailbox_WithMailAlreadyInIt_SyncsEachMailOnceOntoItsClientsTimeline(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var stranger = NewClientAddress("stranger");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Kowalski & Co");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna Kowalska", ("email", anna));

        var offer = Mail(anna, "Offer with the contract", "The contract is attached.");
        var withAttachment = new BodyBuilder { TextBody = "The contract is attached." };
        withAttachment.Attachments.Add("contract.pdf", Pdf, new ContentType("application", "pdf"));
        offer.Body = withAttachment.ToMessageBody();

        var logo = Mail(anna, "Our new logo", "");
        var html = new BodyBuilder();
        var image = html.LinkedResources.Add("logo.png", Png, new ContentType("image", "png"));
        image.ContentId = MimeUtils.GenerateMessageId("client.test");
        html.HtmlBody = $"<p>How do you like it?</p><img src=\"cid:{image.ContentId}\">";
        logo.Body = html.ToMessageBody();

        var cyrillic = Mail(anna, "Договор на поддръжка за 2027 г.", "Здравейте, изпращам договора.");
        var autoReply = Mail(anna, "Automatic reply: Offer", "I am out of the office until Monday.");
        autoReply.Headers.Add("Auto-Submitted", "auto-replied");
        var unknown = Mail(stranger, "Question", "Do you take new clients?");

        var mailbox = await CreateAsync(app, mail, offer, logo, cyrillic, autoReply, unknown);

        await mailbox.WaitUntilIdleAsync(5);
        var items = (await Eventually.Until(
            async () => await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK),
            t => t["items"]!.AsArray().Count >= 4, "four mails on Anna's timeline"))["items"]!.AsArray();
        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId && x.State == DeliveryProcessing.Processed)),
            n => n == 5, "all five deliveries processed");

        Assert.Equal(5, await app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)));
        Assert.Equal(4, items.Count);
        JsonNode Item(string subject) => Assert.Single(items, i => i!["subject"]!.GetValue<string>() == subject)!;
        Assert.Equal("email", Item("Offer with the contract")["channel"]!.GetValue<string>());
        Assert.True(Item("Offer with the contract")["needsAnswer"]!.GetValue<bool>());
        Assert.Contains("изпращам договора", Item("Договор на поддръжка за 2027 г.")["text"]!.GetValue<string>());
        Assert.False(Item("Automatic reply: Offer")["needsAnswer"]!.GetValue<bool>());

        var pdf = Assert.Single(Item("Offer with the contract")["attachments"]!.AsArray())!;
        Assert.Equal("contract.pdf", pdf["fileName"]!.GetValue<string>());
        Assert.Equal(Pdf, await app.Api().GetByteArrayAsync(pdf["url"]!.GetValue<string>()));
        var png = Assert.Single(Item("Our new logo")["attachments"]!.AsArray())!;
        Assert.Equal(Png, await app.Api().GetByteArrayAsync(png["url"]!.GetValue<string>()));

        var senders = await (await app.Api().GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK);
        var sender = Assert.Single(senders.AsArray(), s => s!["address"]!.GetValue<string>() == stranger)!;
        Assert.Equal(1, sender["messageCount"]!.GetValue<int>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MailSentThroughPostfix_AfterTheSyncIsIdle_ArrivesLive(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Live client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var mailbox = await CreateAsync(app, mail);
        await mailbox.WaitUntilIdleAsync(0);

        await mail.SendAsync(Mail(anna, "Are you there?", "Just checking the line.", to: mailbox.Address));

        // The sync looks at every folder again only every 5 minutes: arriving within seconds is IDLE's doing.
        var timeline = await Eventually.Until(
            async () => await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK),
            t => t["items"]!.AsArray().Count == 1, "the live mail on the timeline", TimeSpan.FromSeconds(30));
        Assert.Equal("Are you there?", timeline["items"]![0]!["subject"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Server_RestartedDuringTheInitialSync_ResumesWithoutDuplicates(DatabaseProvider db)
    {
        var first = new LiaisonApp(db);
        LiaisonApp? second = null;
        try
        {
            await first.StartAsync();
            var anna = NewClientAddress("anna");
            var clientId = await ClientsApiTest.NewClient(first.Api(), "Restarted client");
            await ClientsApiTest.NewContact(first.Api(), clientId, "Anna", ("email", anna));
            var seeded = Enumerable.Range(0, 600).Select(i => Mail(anna, $"Invoice {i}", $"Invoice number {i}, text {new string('x', i % 50)}")).ToArray();
            var mailbox = await CreateAsync(first, mail, seeded);
            await Eventually.Until(() => first.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId)), n => n > 0, "the first mails stored");

            second = first.Successor();
            await first.DisposeAsync();
            await mail.AppendAsync(mailbox.Address, "INBOX", [Mail(anna, "While you were down", "Sent during the restart.")]);
            await second.StartAsync();

            await Eventually.Until(() => second.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)), n => n >= 601, "all 601 mails recorded", TimeSpan.FromMinutes(2));
            await Eventually.Until(() => StatusAsync(second, mailbox.ChannelId), s => s?["state"]?.GetValue<string>() == "idle", "the mailbox idle again");
            Assert.Equal(601, await second.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId)));
            Assert.Equal(601, await second.WithDb(d => d.Messages.Where(m => m.ChannelId == mailbox.ChannelId).Select(m => m.ProviderMessageId).Distinct().CountAsync()));
            Assert.Equal(601, await second.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == mailbox.ChannelId)));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            else await first.DisposeAsync();
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mailbox_WithAWrongPassword_ShowsTheServersWords_AndTriesAgainOnlyWhenItsBackoffHasPassed(DatabaseProvider db)
    {
        // An app of its own: the test moves its clock.
        await using var app = new LiaisonApp(db, clock: AppClock.Stopped);
        await app.StartAsync();
        var address = mail.NewMailbox("wrong");
        var channelId = await ConnectAsync(app, mail, address, password: "not-the-password");

        var status = await Eventually.Until(() => StatusAsync(app, channelId), s => s?["state"]?.GetValue<string>() == "failing", "the mailbox failing");
        Assert.Contains("Authentication failed", status!["error"]!.GetValue<string>());
        // A minute (±20 %) after refused credentials: retrying soon can't help, and providers lock accounts that keep failing.
        var retryIn = RetryIn(status);
        Assert.InRange(retryIn, TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));

        app.Time.Advance(retryIn - TimeSpan.FromSeconds(1));
        Assert.Equal(("failing", retryIn), await StateAsync(app, channelId));
        Assert.Equal(1, await Eventually.Until(() => Task.FromResult(AuthFailures(address)), n => n >= 1, "the refused login in Dovecot's log"));

        app.Time.Advance(TimeSpan.FromSeconds(1));
        // Tried once more, refused again, and the next wait doubled.
        status = await Eventually.Until(() => StatusAsync(app, channelId), s => s?["state"]?.GetValue<string>() == "failing" && RetryIn(s) != retryIn, "the second attempt failing");
        Assert.InRange(RetryIn(status!), TimeSpan.FromSeconds(96), TimeSpan.FromSeconds(144));
        Assert.Equal(2, await Eventually.Until(() => Task.FromResult(AuthFailures(address)), n => n >= 2, "the second refused login in Dovecot's log"));
    }

    private static TimeSpan RetryIn(JsonNode status) => TimeSpan.Parse(status["retryIn"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(string?, TimeSpan)> StateAsync(LiaisonApp app, long channelId)
    {
        var status = await StatusAsync(app, channelId);
        return (status?["state"]?.GetValue<string>(), RetryIn(status!));
    }

    private int AuthFailures(string address) =>
        File.ReadLines(mail.DovecotLog).Count(line => line.Contains("auth failed", StringComparison.Ordinal) && line.Contains($"user=<{address}>", StringComparison.Ordinal));
}
