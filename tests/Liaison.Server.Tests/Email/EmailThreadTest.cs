using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>One topic = one conversation: replies found by Message-ID, In-Reply-To and References.</summary>
public class EmailThreadTest(LiaisonApps apps, MailServers mail)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Thread_ThreeMailsWithInReplyToAndReferences_LandInOneConversation(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Threaded client");
        var first = Mail(anna, "Renovation schedule", "Can we start on Monday?");
        var second = ReplyTo(first, anna, "Or Tuesday, if Monday doesn't work.");
        var third = ReplyTo(second, anna, "Tuesday it is.");

        var mailbox = await CreateAsync(app, mail, first, second, third);

        var conversations = await ConversationsOf(app, mailbox.ChannelId, 3);
        Assert.Single(conversations);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_WithInReplyToButNoReferences_JoinsItsParentsConversation(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Client with a terse mail program");
        var first = Mail(anna, "Windows", "Which frames did you choose?");
        var second = ReplyTo(first, anna, "The oak ones.");
        // Names its parent (the second mail), not the thread's root the conversation is keyed by.
        var third = Mail(anna, "Re: Windows", "And the handles in brass.");
        third.InReplyTo = second.MessageId;

        var mailbox = await CreateAsync(app, mail, first, second, third);

        var conversations = await ConversationsOf(app, mailbox.ChannelId, 3);
        Assert.Single(conversations);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mails_OnDifferentTopics_StayInSeparateConversations(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Client with two topics");
        var roof = Mail(anna, "Roof", "The roof leaks.");
        var invoice = Mail(anna, "Invoice 12", "Please send the invoice again.");

        var mailbox = await CreateAsync(app, mail, roof, ReplyTo(roof, anna, "Still leaking."), invoice);

        var conversations = await ConversationsOf(app, mailbox.ChannelId, 3);
        Assert.Equal(2, conversations.Count);
    }

    private static async Task<string> ClientWith(LiaisonApp app, string name)
    {
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), name);
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        return anna;
    }

    private static MimeMessage ReplyTo(MimeMessage parent, string from, string text)
    {
        var reply = Mail(from, "Re: " + parent.Subject, text);
        reply.InReplyTo = parent.MessageId;
        foreach (var id in parent.References) reply.References.Add(id);
        reply.References.Add(parent.MessageId!);
        return reply;
    }

    private static async Task<List<long?>> ConversationsOf(LiaisonApp app, long channelId, int messages)
    {
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channelId)), n => n == messages, $"{messages} mails recorded");
        var conversations = await app.WithDb(d => d.Messages.Where(m => m.ChannelId == channelId).Select(m => m.ConversationId).Distinct().ToListAsync());
        Assert.DoesNotContain(null, conversations);
        return conversations;
    }
}
