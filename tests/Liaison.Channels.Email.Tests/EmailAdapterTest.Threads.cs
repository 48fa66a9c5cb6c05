using MimeKit;

namespace Liaison.Channels.Email.Tests;

public sealed partial class EmailAdapterTest
{
    private static MimeMessage ReplyTo(MimeMessage parent, string from, string to)
    {
        var reply = Corpus.Mail(subject: "Re: " + parent.Subject, from: from, to: to);
        reply.InReplyTo = parent.MessageId!;
        foreach (var reference in parent.References) reply.References.Add(reference);
        reply.References.Add(parent.MessageId!);
        return reply;
    }

    [Fact]
    public void ThreadKey_ReplyChain_AllShareTheRootMessageId()
    {
        var root = Corpus.Mail(subject: "Logo", messageId: "root@client.test");
        var ourReply = ReplyTo(root, Corpus.Owner, Corpus.Client);
        var theirReply = ReplyTo(ourReply, Corpus.Client, Corpus.Owner);

        var keys = new[] { root, ourReply, theirReply }.Select(m => Parse(m).ThreadKey).ToList();

        Assert.All(keys, key => Assert.Equal("root@client.test", key));
        Assert.Equal(Core.Messages.MessageDirection.Outbound, Parse(ourReply).Direction);
    }

    [Fact]
    public void ThreadKey_InReplyToWithoutReferences_IsTheParent()
    {
        var reply = Corpus.Mail(subject: "Re: Logo");
        reply.InReplyTo = "parent@liaison.test";

        Assert.Equal("parent@liaison.test", Parse(reply).ThreadKey);
    }

    [Fact]
    public void ThreadKey_NewMailWithoutReplyHeaders_StartsItsOwnThread()
    {
        var mail = Corpus.Mail(subject: "Invoice 12", messageId: "new@client.test");

        Assert.Equal("new@client.test", Parse(mail).ThreadKey);
    }

    [Fact]
    public void ThreadKey_ReplyWhoseClientDroppedTheHeaders_FallsBackToTheSubject()
    {
        var mail = Corpus.Mail(subject: "RE: Odp: [acme]  Logo  Draft", messageId: "lost-headers@client.test");

        Assert.Equal("subject:logo draft", Parse(mail).ThreadKey);
    }

    [Fact]
    public void ThreadKey_MailWithNoIdsAtAll_FallsBackToTheSubject()
    {
        var raw = Corpus.Raw("""
            From: anna@client.test
            To: owner@liaison.test
            Subject: Materials
            Date: Fri, 20 Nov 2026 09:30:00 +0100
            """, "Attached.");

        Assert.Equal("subject:materials", Parse(raw).ThreadKey);
    }
}
