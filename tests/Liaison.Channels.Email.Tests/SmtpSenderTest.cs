using Liaison.Core;
using Liaison.Core.Messages;
using MailKit;
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
