using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Liaison.Channels.Email;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Liaison.Server.Tests.Outbox;

/// <summary>Sending from Liaison through the real Postfix, the copy in the real Dovecot's Sent, and the outbox around it.</summary>
public class OutboxTest(LiaisonApps apps, MailServers mail)
{
    private sealed record Setup(LiaisonApp App, HttpClient Api, string Ours, long ChannelId, string Theirs, long ClientId);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_FromClientPage_ArrivesThreadedWithSentCopyAndShowsOnce(DatabaseProvider db)
    {
        var s = await SetUpAsync(db);
        var original = Mail(s.Theirs, s.Ours, "Spring offer", "Could you send the offer?");
        await mail.SendAsync(original);
        var inbound = await Eventually.Until(() => TimelineAsync(s), items => items.Any(i => Subject(i) == "Spring offer"), "the client's mail on the timeline");
        var inboundId = inbound.Single(i => Subject(i) == "Spring offer")!.Id();

        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Re: Spring offer", text = "Here it is.", inReplyToMessageId = inboundId })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var messageIdHeader = queued["providerMessageId"]!.GetValue<string>();
        await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the reply sent");

        var received = await WaitForMailAsync(s.Theirs, "INBOX", messageIdHeader);
        Assert.Equal("Re: Spring offer", received.Subject);
        Assert.Equal(original.MessageId, received.InReplyTo);
        Assert.Contains(original.MessageId, received.References);
        Assert.Equal(s.Ours, received.From.Mailboxes.Single().Address);
        Assert.NotEqual(default, received.Date);
        Assert.Single(await FindAsync(s.Ours, "Sent", messageIdHeader));

        // The client answers: new mail in INBOX makes the sync check every folder, Sent included.
        var answer = Mail(s.Theirs, s.Ours, "Re: Re: Spring offer", "Thanks!");
        answer.InReplyTo = messageIdHeader;
        answer.References.Add(original.MessageId!);
        answer.References.Add(messageIdHeader);
        answer.Date = DateTimeOffset.UtcNow.AddMinutes(1);
        await mail.SendAsync(answer);
        var sentCopyKey = EmailAdapter.DeliveryKeyFor(messageIdHeader).Value;
        await Eventually.Until(() => s.App.WithDb(d => d.InboundDeliveries.AnyAsync(x => x.ChannelId == s.ChannelId && x.Key == sentCopyKey && x.State == DeliveryProcessing.Processed)),
            done => done, "the Sent copy through the inbound pipeline");
        var items = await Eventually.Until(() => TimelineAsync(s), all => all.Any(i => Subject(i) == "Re: Re: Spring offer"), "the client's answer on the timeline");

        var reply = Assert.Single(items, i => Subject(i) == "Re: Spring offer");
        Assert.Equal("outbound", reply!["direction"]!.GetValue<string>());
        Assert.Equal("sent", reply["outboxState"]!.GetValue<string>());
        Assert.False(reply["needsAnswer"]!.GetValue<bool>());
        // Our reply answered the offer request; the client's thanks came after it.
        Assert.False(items.Single(i => Subject(i) == "Spring offer")!["needsAnswer"]!.GetValue<bool>());
        Assert.True(items.Single(i => Subject(i) == "Re: Re: Spring offer")!["needsAnswer"]!.GetValue<bool>());
        var conversations = await s.App.WithDb(d => d.Messages.Where(m => m.ClientId == s.ClientId).Select(m => m.ConversationId).Distinct().ToListAsync());
        Assert.Single(conversations);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task NewEmail_SmtpServerDown_ShowsFailedAndRetriesUntilSentOnce(DatabaseProvider db)
    {
        var s = await SetUpAsync(db, smtpPort: ClosedPort());

        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Invoice 12", text = "Attached." })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();

        var failed = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "failed" && o["attempts"]!.GetValue<int>() >= 2,
            "two failed attempts", TimeSpan.FromSeconds(30));
        Assert.False(string.IsNullOrWhiteSpace(failed["lastError"]?.GetValue<string>()));
        Assert.NotNull(failed["nextAttemptAt"]);
        var item = Assert.Single(await TimelineAsync(s), i => Subject(i) == "Invoice 12");
        Assert.Equal("failed", item!["outboxState"]!.GetValue<string>());
        Assert.Equal(failed["lastError"]!.GetValue<string>(), item["lastError"]!.GetValue<string>());

        var cancelled = await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/cancel", null)).Json(HttpStatusCode.OK);
        Assert.Equal("cancelled", State(cancelled));
        var retried = await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/retry", null)).Json(HttpStatusCode.OK);
        Assert.Contains(State(retried), new[] { "queued", "sending", "failed" });
        await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "failed" && o["attempts"]!.GetValue<int>() >= 1, "the retried send failing again");

        // The owner fixes the SMTP port. Then, as if a server died mid-send (Sending, lease run out):
        // the mail is not in Sent, so it never left, and it is sent, once. (Cancelled first, so the
        // outbox's own retry cannot send it in between.)
        await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/cancel", null)).Json(HttpStatusCode.OK);
        await FixSmtpPortAsync(s);
        var past = SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(10);
        Assert.Equal(1, await s.App.WithDb(d => d.Outbox().Where(o => o.MessageId == messageId && o.State == OutboxState.Cancelled)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, OutboxState.Sending).SetProperty(o => o.LeaseUntil, (Instant?)past))));
        var sent = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the message sent after the fix");
        var received = await WaitForMailAsync(s.Theirs, "INBOX", sent["providerMessageId"]!.GetValue<string>());
        Assert.Equal("Invoice 12", received.Subject);
        Assert.Null(sent["lastError"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_ToRecipientTheServerRefuses_FailsAfterOneAttemptInItsWords_AndWaitsForRetry(DatabaseProvider db)
    {
        var s = await SetUpAsync(db, theirs: mail.RefusedAddress("client"));
        await mail.SendAsync(Mail(s.Theirs, s.Ours, "Old address", "Write to me here."));
        var inbound = await Eventually.Until(() => TimelineAsync(s), items => items.Any(i => Subject(i) == "Old address"), "the client's mail on the timeline");

        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { subject = "Re: Old address", text = "Noted.", inReplyToMessageId = inbound.Single(i => Subject(i) == "Old address")!.Id() })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var header = queued["providerMessageId"]!.GetValue<string>();
        var refusal = $"The mail server refused it: 550 5.1.1 <{s.Theirs}>: Recipient address rejected: User unknown";

        var failed = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "failed", "the refused reply failed");
        Assert.Equal((refusal, "550"), (failed["lastError"]!.GetValue<string>(), failed["lastErrorCode"]!.GetValue<string>()));
        Assert.Null(failed["nextAttemptAt"]);
        // Past the first backoff (2 s): a transient failure would have had its second attempt by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var still = await OutboxAsync(s, messageId);
        Assert.Equal(("failed", 1), (State(still), still["attempts"]!.GetValue<int>()));
        var item = Assert.Single(await TimelineAsync(s), i => Subject(i) == "Re: Old address");
        Assert.Equal(("failed", refusal), (item!["outboxState"]!.GetValue<string>(), item["lastError"]!.GetValue<string>()));
        Assert.Empty(await FindAsync(s.Theirs, "INBOX", header));
        Assert.Empty(await FindAsync(s.Ours, "Sent", header));

        // The owner's Retry sends it once more, now; still refused, it waits again.
        await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/retry", null)).Json(HttpStatusCode.OK);
        var again = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "failed" && o["attempts"]!.GetValue<int>() == 1, "the retried reply refused again");
        Assert.Equal(refusal, again["lastError"]!.GetValue<string>());
        Assert.Null(again["nextAttemptAt"]);
        Assert.Empty(await FindAsync(s.Theirs, "INBOX", header));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task NewEmail_WithoutSubject_Is400NamingSubjectAndStoresNothing(DatabaseProvider db)
    {
        var s = await SetUpAsync(db);
        var problem = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "  ", text = "No subject here." })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("subject", problem["field"]!.GetValue<string>());

        var stranger = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, to = "someone-else@example.org", subject = "Hi", text = "Hello." })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("to", stranger["field"]!.GetValue<string>());
        var noChannel = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = 987654, subject = "Hi", text = "Hello." })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("channelId", noChannel["field"]!.GetValue<string>());
        Assert.Empty(await TimelineAsync(s));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Send_InterruptedAfterItLeft_IsFoundInSentAndNotSentAgain(DatabaseProvider db)
    {
        var s = await SetUpAsync(db);
        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Contract", text = "Signed copy follows." })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var header = queued["providerMessageId"]!.GetValue<string>();
        await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the mail sent");
        await WaitForMailAsync(s.Theirs, "INBOX", header);

        // As if the server died after SMTP accepted the mail, before it wrote down Sent: Sending, lease run out.
        var past = SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(10);
        await s.App.WithDb(d => d.Outbox().Where(o => o.MessageId == messageId)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, OutboxState.Sending).SetProperty(o => o.LeaseUntil, (Instant?)past)));

        var resolved = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the interrupted send resolved");
        Assert.Contains("not sent again", resolved["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second copy, had one gone out, would be delivered by now
        Assert.Single(await FindAsync(s.Theirs, "INBOX", header));
    }

    private async Task<Setup> SetUpAsync(DatabaseProvider db, int? smtpPort = null, string? theirs = null)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var ours = mail.NewMailbox("liaison");
        theirs ??= mail.NewMailbox("client");
        var settings = new Dictionary<string, string>(mail.SettingsFor(ours).Values);
        if (smtpPort is { } port) settings["smtp.port"] = port.ToString();
        var channelId = (await (await api.Post("/api/channels", new { kind = "email", name = ours, settings })).Json(HttpStatusCode.Created)).Id();
        var clientId = await ClientsApiTest.NewClient(api, ApiCalls.Unique("Outbox "));
        await ClientsApiTest.NewContact(api, clientId, "Klara Client", ("email", theirs));
        return new Setup(app, api, ours, channelId, theirs, clientId);
    }

    /// <summary>What an edit of the channel would do: new settings stored encrypted, the cached ones forgotten.</summary>
    private async Task FixSmtpPortAsync(Setup s)
    {
        var protector = s.App.Services.GetRequiredService<ChannelSettingsProtector>();
        await s.App.WithDb(async d =>
        {
            var record = await d.ChannelSettings.FirstAsync(r => r.ChannelId == s.ChannelId);
            record.Replace(protector.Protect(new Dictionary<string, string>(mail.SettingsFor(s.Ours).Values)));
            return await d.SaveChangesAsync();
        });
        s.App.Services.GetRequiredService<ChannelDirectory>().Forget(s.ChannelId);
    }

    private static async Task<List<JsonNode?>> TimelineAsync(Setup s) =>
        (await (await s.Api.GetAsync($"/api/clients/{s.ClientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray().ToList();

    private static async Task<JsonNode> OutboxAsync(Setup s, long messageId) =>
        await (await s.Api.GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK);

    private static string? Subject(JsonNode? item) => item?["subject"]?.GetValue<string>();

    private static string State(JsonNode outbox) => outbox["state"]!.GetValue<string>();

    private static MimeMessage Mail(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Klara Client", from));
        message.To.Add(new MailboxAddress("", to));
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>The mails in <paramref name="folder"/> carrying <paramref name="messageId"/>.</summary>
    private async Task<List<MimeMessage>> FindAsync(string address, string folder, string messageId)
    {
        using var client = await mail.OpenImapAsync(address);
        var target = await MailServers.FolderAsync(client, folder);
        await target.OpenAsync(FolderAccess.ReadOnly);
        var found = new List<MimeMessage>();
        foreach (var uid in await target.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId)))
            found.Add(await target.GetMessageAsync(uid));
        await client.DisconnectAsync(true);
        return found;
    }

    private async Task<MimeMessage> WaitForMailAsync(string address, string folder, string messageId)
    {
        var found = await Eventually.Until(() => FindAsync(address, folder, messageId), f => f.Count > 0, $"{messageId} in {address}'s {folder}", TimeSpan.FromSeconds(30));
        return Assert.Single(found);
    }

    /// <summary>A loopback port nothing listens on: the "SMTP server down" case, refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
