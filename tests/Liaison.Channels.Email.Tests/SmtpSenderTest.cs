using System.Net;
using System.Net.Sockets;
using Liaison.Core;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using NodaTime;
using NodaTime.Testing;

using Liaison.Testing;

namespace Liaison.Channels.Email.Tests;

public sealed class SmtpSenderTest(MailServers servers)
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 23, 14, 5);
    private readonly SmtpSender _sender = new(new FakeClock(Now));

    private static async Task<MimeMessage> WaitForSingleAsync(MailServers servers, string address, string folder)
    {
        using var imap = await servers.OpenImapAsync(address);
        var target = await MailServers.FolderAsync(imap, folder);
        await MailServers.WaitUntilAsync(() =>
        {
            target.Open(FolderAccess.ReadOnly);
            return target.Count == 1;
        }, $"one mail in {address}'s {folder}");
        return await target.GetMessageAsync(0);
    }

    private static async Task<int> CountAsync(MailServers servers, string address, string folder)
    {
        using var imap = await servers.OpenImapAsync(address);
        var target = await MailServers.FolderAsync(imap, folder);
        await target.OpenAsync(FolderAccess.ReadOnly);
        return target.Count;
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

    [Fact]
    public async Task Send_Reply_ArrivesWithThreadHeaders_AndItsCopyInSentIsOutboundInTheThread()
    {
        var owner = servers.NewMailbox("owner");
        var client = servers.NewMailbox("client");
        var settings = servers.SettingsFor(owner);
        var question = Corpus.Mail(subject: "Logo", text: "Is it ready?", from: client, to: owner, messageId: $"q-{Guid.NewGuid():N}@client.test");
        question.References.Add("earlier@client.test");
        await servers.SendAsync(question);
        var received = await WaitForSingleAsync(servers, owner, "INBOX");

        var sent = await _sender.SendAsync(EmailSettings.From(settings),
            new EmailDraft([MailboxAddress.Parse(client)], "Re: Logo", "Yes, attached tomorrow.", ReplyTo: received),
            TestContext.Current.CancellationToken);

        var reply = await WaitForSingleAsync(servers, client, "INBOX");
        Assert.Equal(sent.MessageId, reply.MessageId);
        Assert.True(sent.CopiedToSent);
        Assert.Equal("Re: Logo", reply.Subject);
        Assert.Equal(question.MessageId, reply.InReplyTo);
        Assert.Equal(new[] { "earlier@client.test", question.MessageId }, reply.References);
        Assert.Equal(Now.ToDateTimeOffset(), reply.Date.ToUniversalTime());
        Assert.Equal(owner, reply.From.Mailboxes.Single().Address);
        Assert.Equal("Yes, attached tomorrow.", reply.TextBody?.Trim());

        var copy = await WaitForSingleAsync(servers, owner, "Sent");
        Assert.Equal(sent.MessageId, copy.MessageId);
        var sink = new RecordingSink();
        await new ImapSync(1, EmailSettings.From(settings), sink, new InMemoryMailboxCheckpoints()).SyncOnceAsync(TestContext.Current.CancellationToken);
        var ours = Assert.Single(sink.Messages(settings), m => m.ProviderMessageId == sent.MessageId);
        Assert.Equal(MessageDirection.Outbound, ours.Direction);
        Assert.Equal(client, ours.CounterpartAddress);
        Assert.Equal("earlier@client.test", ours.ThreadKey);
        Assert.Equal(ours.ThreadKey, Assert.Single(sink.Messages(settings), m => m.ProviderMessageId == question.MessageId).ThreadKey);
    }

    [Fact]
    public async Task Send_ToRecipientTheServerRefuses_IsRejectedForGoodInTheServersWords_AndNothingLeaves()
    {
        var owner = servers.NewMailbox("owner");
        var refused = servers.RefusedAddress("client");
        var settings = EmailSettings.From(servers.SettingsFor(owner));

        var e = await Assert.ThrowsAsync<SmtpRefusedException>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(refused)], "Offer", "Attached."), TestContext.Current.CancellationToken));

        Assert.Equal($"The mail server refused it: 550 5.1.1 <{refused}>: Recipient address rejected: User unknown", e.Message);
        Assert.Equal(("550", $"550 5.1.1 <{refused}>: Recipient address rejected: User unknown"), (e.Code, e.Words));
        Assert.Equal(0, await CountAsync(servers, owner, "Sent"));
    }

    [Fact]
    public async Task Send_MessageTheServerRefusesAfterData_IsRejectedForGood_AndNothingArrives()
    {
        var owner = servers.NewMailbox("owner");
        var client = servers.NewMailbox("client");
        var settings = EmailSettings.From(servers.SettingsFor(owner));

        var e = await Assert.ThrowsAsync<SmtpRefusedException>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(client)], $"Offer {MailServers.RefusedContentMark}", "Attached."), TestContext.Current.CancellationToken));

        Assert.StartsWith("The mail server refused it: 550 5.7.1 ", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(servers, owner, "Sent"));
        Assert.Equal(0, await CountAsync(servers, client, "INBOX"));
    }

    [Fact]
    public async Task Send_ToRecipientTheServerDefers_FailsForNowNotForGood()
    {
        var owner = servers.NewMailbox("owner");
        var deferred = servers.DeferredAddress("client");
        var settings = EmailSettings.From(servers.SettingsFor(owner));

        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(deferred)], "Offer", "Attached."), TestContext.Current.CancellationToken));

        Assert.Equal(450, (int)e.StatusCode);
        Assert.Contains("try again later", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_SmtpServerDown_FailsForNowNotForGood()
    {
        var values = new Dictionary<string, string>(servers.SettingsFor("owner@example.test").Values) { ["smtp.port"] = ClosedPort().ToString() };
        var settings = EmailSettings.From(new ChannelSettings(values));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(Corpus.Client)], "Offer", "Attached."), TestContext.Current.CancellationToken));

        Assert.IsType<SocketException>(e, exactMatch: false);
    }

    [Fact]
    public async Task Send_OneOfTwoRecipientsRefused_GoesToTheOther_AndNamesTheRefused()
    {
        var owner = servers.NewMailbox("owner");
        var client = servers.NewMailbox("client");
        var refused = servers.RefusedAddress("colleague");
        var settings = EmailSettings.From(servers.SettingsFor(owner));

        var sent = await _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(client)], "Offer", "Attached.", Cc: [MailboxAddress.Parse(refused)]), TestContext.Current.CancellationToken);

        var refusal = Assert.Single(sent.RefusedRecipients);
        Assert.Equal($"550 5.1.1 <{refused}>: Recipient address rejected: User unknown", refusal);
        Assert.Equal(sent.MessageId, (await WaitForSingleAsync(servers, client, "INBOX")).MessageId);
        Assert.True(sent.CopiedToSent);
    }

    [Fact]
    public async Task Send_EveryRecipientRefused_IsRejectedForGoodNamingEach_ButOneDeferred_FailsForNow()
    {
        var owner = servers.NewMailbox("owner");
        var settings = EmailSettings.From(servers.SettingsFor(owner));
        var (first, second) = (servers.RefusedAddress("client"), servers.RefusedAddress("colleague"));

        var e = await Assert.ThrowsAsync<SmtpRefusedException>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(first), MailboxAddress.Parse(second)], "Offer", "Attached."), TestContext.Current.CancellationToken));
        Assert.Contains($"550 5.1.1 <{first}>", e.Message, StringComparison.Ordinal);
        Assert.Contains($"550 5.1.1 <{second}>", e.Message, StringComparison.Ordinal);

        var deferred = servers.DeferredAddress("colleague");
        var mixed = await Assert.ThrowsAsync<SmtpCommandException>(() => _sender.SendAsync(settings,
            new EmailDraft([MailboxAddress.Parse(first), MailboxAddress.Parse(deferred)], "Offer", "Attached."), TestContext.Current.CancellationToken));
        Assert.Equal(450, (int)mixed.StatusCode);
        Assert.Equal(0, await CountAsync(servers, owner, "Sent"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Compose_WithoutSubject_IsRefusedNamingTheSubject(string subject)
    {
        var settings = EmailSettings.From(servers.SettingsFor("owner@example.test"));

        var e = Assert.Throws<DomainRuleException>(() => _sender.Compose(settings, new EmailDraft([MailboxAddress.Parse(Corpus.Client)], subject, "Text")));

        Assert.Equal("subject", e.Field);
        Assert.Equal("email.subject.required", e.Rule);
    }

    [Fact]
    public async Task Send_PreparedMessageWithoutSubject_IsRefusedBeforeConnecting()
    {
        var settings = EmailSettings.From(servers.SettingsFor("owner@example.test"));
        var message = Corpus.Mail(subject: "");

        var e = await Assert.ThrowsAsync<DomainRuleException>(() => _sender.SendAsync(settings, message, TestContext.Current.CancellationToken));

        Assert.Equal("subject", e.Field);
    }
}
