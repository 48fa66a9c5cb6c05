using Liaison.Testing;

namespace Liaison.Channels.Email.Tests;

public sealed class HarnessTest(MailServers servers)
{
    [Fact]
    public async Task Postfix_DeliversToDovecot_ReadableOverImap()
    {
        var owner = servers.NewMailbox("owner");
        await servers.SendAsync(Corpus.Mail(subject: "Through Postfix", to: owner));

        using var imap = await servers.OpenImapAsync(owner);
        await MailServers.WaitUntilAsync(() =>
        {
            imap.Inbox.Open(MailKit.FolderAccess.ReadOnly);
            return imap.Inbox.Count == 1;
        }, "the mail in INBOX");
        Assert.Equal("Through Postfix", (await imap.Inbox.GetMessageAsync(0)).Subject);
    }
}
