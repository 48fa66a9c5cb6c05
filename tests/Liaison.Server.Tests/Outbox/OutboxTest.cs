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

        // The owner fixes the SMTP port and retries: it is sent, once.
        await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/cancel", null)).Json(HttpStatusCode.OK);
        await FixSmtpPortAsync(s);
        await (await s.Api.PostAsync($"/api/messages/{messageId}/outbox/retry", null)).Json(HttpStatusCode.OK);
        var sent = await Eventually.Until(() => OutboxAsync(s, messageId), o => State(o) == "sent", "the message sent after the fix");
        var received = await WaitForMailAsync(s.Theirs, "INBOX", sent["providerMessageId"]!.GetValue<string>());
        Assert.Equal("Invoice 12", received.Subject);
        Assert.Null(sent["lastError"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Send_InterruptedBeforeItLeft_IsNotInSent_SoTheRestartedServerSendsItOnce(DatabaseProvider db)
    {
        StallingSender? first = null, second = null;
        var app = new LiaisonApp(db, StallingSender.ForEmail(Stall.BeforeItLeaves, made => first = made));
        await app.StartAsync();
        var s = await SetUpAsync(app);
        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Offer", text = "The offer is attached below." })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var header = queued["providerMessageId"]!.GetValue<string>();
        await first!.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("sending", State(await OutboxAsync(s, messageId)));

        // The server dies there: marked Sending, nothing handed to SMTP.
        var restarted = app.Successor(StallingSender.ForEmail(Stall.Never, made => second = made));
        await app.DisposeAsync();
        await using var _ = restarted;
        await restarted.StartAsync();
        var r = s with { App = restarted, Api = restarted.Api() };
        await EndLeaseOfTheDeadServerAsync(restarted);

        var sent = await Eventually.Until(() => OutboxAsync(r, messageId), o => State(o) == "sent", "the interrupted send sent by the restarted server");
        Assert.Null(sent["lastError"]);
        Assert.Equal(0, first.ProviderCalls);
        Assert.Equal(1, second!.ProviderCalls);
        Assert.Equal("Offer", (await WaitForMailAsync(s.Theirs, "INBOX", header)).Subject);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_ToRecipientTheServerRefuses_FailsAfterOneAttemptInItsWords_AndWaitsForRetry(DatabaseProvider db)
    {
        StallingSender? sender = null;
        await using var app = new LiaisonApp(db, StallingSender.ForEmail(Stall.Never, made => sender = made));
        await app.StartAsync();
        var s = await SetUpAsync(app, theirs: mail.RefusedAddress("client"));
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
        // An hour on, past every backoff, the lane passes it over: a later message on the channel is
        // tried, and the refused one is not (the lane takes due entries oldest first).
        s.App.Time.Advance(TimeSpan.FromHours(1));
        var later = (await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Later", text = "Another one." })).Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
        await Eventually.Until(() => OutboxAsync(s, later), o => State(o) == "failed", "the later message tried (and refused too)");
        var still = await OutboxAsync(s, messageId);
        Assert.Equal(("failed", 1), (State(still), still["attempts"]!.GetValue<int>()));
        Assert.Equal(2, sender!.ProviderCalls);
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
        StallingSender? first = null, second = null;
        var app = new LiaisonApp(db, StallingSender.ForEmail(Stall.AfterItLeft, made => first = made));
        await app.StartAsync();
        var s = await SetUpAsync(app);
        var queued = await (await s.Api.Post($"/api/clients/{s.ClientId}/messages",
            new { channelId = s.ChannelId, subject = "Contract", text = "Signed copy follows." })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        var header = queued["providerMessageId"]!.GetValue<string>();
        await first!.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForMailAsync(s.Theirs, "INBOX", header);
        Assert.Equal("sending", State(await OutboxAsync(s, messageId)));

        // The server dies after SMTP accepted the mail, before it wrote down Sent.
        var restarted = app.Successor(StallingSender.ForEmail(Stall.Never, made => second = made));
        await app.DisposeAsync();
        await using var _ = restarted;
        await restarted.StartAsync();
        var r = s with { App = restarted, Api = restarted.Api() };
        await EndLeaseOfTheDeadServerAsync(restarted);

        var resolved = await Eventually.Until(() => OutboxAsync(r, messageId), o => State(o) == "sent", "the interrupted send resolved");
        Assert.Contains("not sent again", resolved["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, first.ProviderCalls);
        Assert.Equal(0, second!.ProviderCalls);
        Assert.Single(await FindAsync(s.Theirs, "INBOX", header));
    }

    /// <summary>
    /// On SQLite the restarted server ends the leases of its own interrupted sends at start-up (one
    /// server per file). On PostgreSQL another instance may still be sending, so the lease runs its
    /// five minutes: the clock is moved past them.
    /// </summary>
    private static Task EndLeaseOfTheDeadServerAsync(LiaisonApp restarted)
    {
        if (restarted.Provider == DatabaseProvider.Postgres)
        {
            restarted.Time.Advance(TimeSpan.FromMinutes(6));
            restarted.Services.GetRequiredKeyedService<Liaison.Core.Background.WakeSignal>(OutboxSender.Queue).Wake();
        }
        return Task.CompletedTask;
    }

    private async Task<Setup> SetUpAsync(DatabaseProvider db, int? smtpPort = null, string? theirs = null) =>
        await SetUpAsync(await apps.For(db), smtpPort, theirs);

    private async Task<Setup> SetUpAsync(LiaisonApp app, int? smtpPort = null, string? theirs = null)
    {
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

    /// <summary>The owner edits the channel's SMTP port back to the server's.</summary>
    private async Task FixSmtpPortAsync(Setup s) =>
        await (await s.Api.Put($"/api/channels/{s.ChannelId}/settings",
            new { settings = new Dictionary<string, string>(mail.SettingsFor(s.Ours).Values) })).Json(HttpStatusCode.OK);

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
