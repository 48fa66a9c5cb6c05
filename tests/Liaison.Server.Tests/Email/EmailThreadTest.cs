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

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reply_WithoutThreadHeaders_JoinsTheConversationAboutTheSameSubject(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Client whose phone drops headers");
        var first = Mail(anna, "Roof repair", "When can you come?");
        // "Re:" without In-Reply-To or References: only the subject says which topic it answers.
        var second = Mail(anna, "RE: Roof repair", "Thursday would suit us.");
        var elsewhere = Mail(anna, "Invoice 7", "Another topic.");

        var mailbox = await CreateAsync(app, mail, first, second, elsewhere);
        var together = await ConversationsOf(app, mailbox.ChannelId, 3);
        Assert.Equal(2, together.Count);

        // In a later batch, from the live sync, in Polish.
        await mail.AppendAsync(mailbox.Address, "INBOX", [Mail(anna, "Odp: [dom] roof   REPAIR", "Albo w piątek.")]);
        var afterwards = await ConversationsOf(app, mailbox.ChannelId, 4);
        Assert.Equal(together.Order(), afterwards.Order());
        var roof = await app.WithDb(d => d.Messages.Where(m => m.ChannelId == mailbox.ChannelId && m.Subject!.Contains("oof")).Select(m => m.ConversationId).Distinct().ToListAsync());
        Assert.Single(roof);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplyFoundInSent_IsOutboundInTheThread_AndTheQuestionNoLongerNeedsAnAnswer(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Client answered from a phone");
        var question = Mail(anna, "Tiles", "Grey or white?");
        question.Date = Sent;
        var address = mail.NewMailbox("owner");
        // Our answer, written in another mail program: only its copy in Sent tells Liaison.
        var answer = Mail(address, "Re: Tiles", "Grey.", to: anna);
        answer.InReplyTo = question.MessageId;
        answer.References.Add(question.MessageId!);
        answer.Date = Sent.AddHours(1);
        var followUp = ReplyTo(question, anna, "Thanks! And the grout?");
        followUp.Date = Sent.AddHours(2);
        await mail.AppendAsync(address, "INBOX", [question, followUp]);
        await mail.AppendAsync(address, "Sent", [answer]);

        var channelId = await ConnectAsync(app, mail, address);

        var conversations = await ConversationsOf(app, channelId, 3);
        Assert.Single(conversations);
        var messages = await app.WithDb(d => d.Messages.Where(m => m.ChannelId == channelId).OrderBy(m => m.OccurredAt)
            .Select(m => new { m.Direction, m.NeedsAnswer }).ToListAsync());
        Assert.Equal(
            [(Core.Messages.MessageDirection.Inbound, false), (Core.Messages.MessageDirection.Outbound, false), (Core.Messages.MessageDirection.Inbound, true)],
            messages.Select(m => (m.Direction, m.NeedsAnswer)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplyToOurMail_ReadBeforeOurMailFromSent_EndsInOneConversation(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = await ClientWith(app, "Client who answers tersely");
        var address = mail.NewMailbox("owner");
        var question = Mail(anna, "Paint", "Which colour for the hall?");
        var answer = Mail(address, "Re: Paint", "Sand.", to: anna);
        answer.InReplyTo = question.MessageId;
        answer.References.Add(question.MessageId!);
        answer.Date = Sent.AddHours(1);
        // Names only our answer, which is in Sent: INBOX is read first, so it arrives before its parent.
        var followUp = Mail(anna, "Re: Paint", "Sand it is.");
        followUp.InReplyTo = answer.MessageId;
        followUp.Date = Sent.AddHours(2);
        await mail.AppendAsync(address, "INBOX", [question, followUp]);
        await mail.AppendAsync(address, "Sent", [answer]);

        var channelId = await ConnectAsync(app, mail, address);

        var conversations = await ConversationsOf(app, channelId, 3);
        Assert.Single(conversations);
        var clientConversations = await app.WithDb(d => d.Conversations.CountAsync(c => c.Id == conversations[0]));
        Assert.Equal(1, clientConversations);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UnknownSendersMail_KeepsItsThreads_WhenTheSenderIsAttachedToAContact(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var stranger = NewClientAddress("stranger");
        var roof = Mail(stranger, "Roof", "Can you look at our roof?");
        var invoice = Mail(stranger, "Invoice", "Where do I send the invoice?");
        var mailbox = await CreateAsync(app, mail, roof, ReplyTo(roof, stranger, "It leaks again."), invoice);
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId && m.UnknownSenderId != null)), n => n == 3, "3 mails held for the unknown sender");

        var clientId = await ClientsApiTest.NewClient(app.Api(), "Later a client");
        var contactId = (await ClientsApiTest.NewContact(app.Api(), clientId, "Stranger")).Id();
        var senderId = await app.WithDb(d => d.UnknownSenders.Where(u => u.Address == stranger).Select(u => u.Id).SingleAsync());
        (await app.Api().Post($"/api/unknown-senders/{senderId}/attach", new { contactId })).EnsureSuccessStatusCode();

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
