using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// Writing to a client from Liaison: a reply in a conversation or a new one. The message is stored
/// with its outbox entry in one transaction and answered with 202; <see cref="OutboxSender"/> sends it.
/// </summary>
public static class SendMessage
{
    /// <param name="ChannelId">the connected channel to send on; for a reply, defaults to the one the answered message came through.</param>
    /// <param name="To">the contact's address on that channel; defaults to the answered message's sender, else the client's first contact address of the kind.</param>
    /// <param name="InReplyToMessageId">a message of this client to answer: the reply joins its conversation and thread.</param>
    public sealed record Request(long? ChannelId, [property: MaxLength(320)] string? To, [property: MaxLength(1000)] string? Subject, [property: MaxLength(RequestText.MaxMessageTextLength)] string? Text, long? InReplyToMessageId);

    /// <param name="State">queued, sending, sent, failed or cancelled.</param>
    /// <param name="NextAttemptAt">when a queued or failed message is tried (again); null when it waits for the owner's Retry.</param>
    /// <param name="LastError">the provider's own words about the last failure ("The mail server refused it: 550 5.1.1 …"), or a warning after a send that left.</param>
    public sealed record OutboxView(long MessageId, long? ConversationId, string ProviderMessageId, string To, string? Subject, string State, int Attempts,
        Instant? NextAttemptAt, string? LastError, Instant? SentAt)
    {
        public static OutboxView From(OutboxItem o, long? conversationId) => new(o.MessageId, conversationId, o.ProviderMessageId, o.To, o.Subject,
            o.State.ToString().ToLowerInvariant(), o.Attempts, o.NextAttemptAt, o.LastError, o.SentAt);
    }

    public static RouteGroupBuilder MapOutbox(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Outbox");
        group.MapPost("/clients/{clientId:long}/messages", Handle)
            .WithDescription("Sends a message to a client (a reply when inReplyToMessageId is given). Answers 202 once it is stored; the outbox sends it, retrying with backoff. "
                + "A refusal for good (an SMTP 5xx, such as an unknown recipient) fails it at once with the server's words, until retried.");
        group.MapGet("/messages/{messageId:long}/outbox", async Task<Results<Ok<OutboxView>, NotFound>> (long messageId, LiaisonDb db, CancellationToken ct) =>
            await Find(db, messageId, ct) is { } item ? TypedResults.Ok(await View(db, item, ct)) : TypedResults.NotFound());
        group.MapPost("/messages/{messageId:long}/outbox/retry", (long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, IClock clock, CancellationToken ct) =>
            Change(messageId, db, outbox, live, item => item.Retry(clock.GetCurrentInstant()), ct))
            .WithDescription("Queues a failed or cancelled message again, now.");
        group.MapPost("/messages/{messageId:long}/outbox/cancel", (long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, CancellationToken ct) =>
            Change(messageId, db, outbox, live, item => item.Cancel(), ct))
            .WithDescription("Withdraws a queued or failed message before it leaves.");
        return api;
    }

    public static async Task<Results<Accepted<OutboxView>, NotFound>> Handle(
        long clientId, Request request, LiaisonDb db, ChannelDirectory directory, IEnumerable<IChannelSender> senders, OutboxSender outbox, LiveUpdates live,
        IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct)
    {
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, ct)) return TypedResults.NotFound();
        var original = request.InReplyToMessageId is { } answeredId
            ? await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == answeredId && m.ClientId == clientId, ct)
              ?? throw new DomainRuleException("message.reply.unknown", $"Client {clientId} has no message {answeredId} to reply to.", "inReplyToMessageId")
            : null;

        // A reply goes out where the message came in; history recorded through the API came in nowhere.
        var answeredOn = original is null ? null
            : await db.Channels.AsNoTracking().Where(c => c.Id == original.ChannelId).Select(c => new { c.Id, c.Kind }).FirstOrDefaultAsync(ct);
        var channelId = request.ChannelId ?? (answeredOn is { } on && !on.Kind.OnlyRecordsHistory ? (long?)on.Id : null)
            ?? throw new DomainRuleException("message.channel.required", "Choose the channel to send on.", "channelId");
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId && c.DisconnectedAt == null, ct)
            ?? throw new DomainRuleException("message.channel.unknown", $"There is no connected channel {channelId}.", "channelId");
        var sender = senders.FirstOrDefault(s => s.Kind == channel.Kind)
            ?? throw new DomainRuleException("message.channel.cannot-send", $"Liaison cannot send on {channel.Kind} channels yet.", "channelId");
        if (original is not null && original.ChannelKind != channel.Kind)
            throw new DomainRuleException("message.reply.channel", $"A reply to a {original.ChannelKind} message goes out on a {original.ChannelKind} channel.", "channelId");
        if (string.IsNullOrWhiteSpace(request.Text))
            throw new DomainRuleException("message.text.required", "A message needs text.", "text");

        var to = await Recipient(db, directory.Descriptors, clientId, channel.Kind, request.To ?? original?.CounterpartAddress, options.Value.DefaultPhoneRegion, ct);
        var conversation = original?.ConversationId is { } conversationId
            ? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct)
            : null;
        var draft = new OutboundDraft(to.Address, request.Subject, request.Text.Trim(), original?.ProviderMessageId,
            original?.ProviderMessageId is { } parent ? References(conversation?.ThreadKey, parent) : null);
        var settings = (await directory.FindAsync(channelId, ct)).Settings;
        draft = sender.Prepare(draft, settings);

        var now = clock.GetCurrentInstant();
        var (message, item) = await db.InTransactionAsync(async () =>
        {
            // A new message starts the conversation its channel keys it by: a chat with the recipient, or
            // (e-mail) a thread of its own, keyed by its own id as the channel's threading does.
            var thread = conversation is null
                ? await MessagePlacement.ConversationFor(db, clientId, channel.Kind, directory.Descriptors.For(channel.Kind).NewConversationKey(to.Address, draft.ProviderMessageId), draft.Subject, now, ct)
                : await db.Conversations.FirstAsync(c => c.Id == conversation.Id, ct);
            thread.RecordMessage(now);
            var message = new Message(channel.Kind, MessageDirection.Outbound, to.Address, draft.Text, now, now, channelId, draft.Subject,
                providerMessageId: draft.ProviderMessageId);
            message.PlaceWith(clientId, to.ContactId, thread.Id);
            (await db.Clients.FirstAsync(c => c.Id == clientId, ct)).RecordActivity(now);
            db.Messages.Add(message);
            await db.SaveChangesAsync(ct);
            // Writing back is answering, whether or not the mail server has taken it yet.
            await MessagePlacement.MarkAnsweredAsync(db, [thread.Id], ct);
            var item = new OutboxItem(message.Id, channelId, draft, now);
            db.Outbox().Add(item);
            return (message, item);
        }, ct);
        live.PublishTimeline(clientId);
        outbox.Wake();
        return TypedResults.Accepted($"/api/messages/{message.Id}/outbox", OutboxView.From(item, message.ConversationId));
    }

    /// <summary>
    /// The thread's root and the answered message: RFC 5322 asks for the parent's References plus its
    /// id, which we don't keep; root + parent is the shortened form mail clients use for long threads,
    /// and enough for every client (and our own threading, which keys on the root) to place the reply.
    /// </summary>
    private static List<string> References(string? threadKey, string parent)
    {
        var references = new List<string>();
        // The channel's sender drops what is not an id of its own (an e-mail thread keyed by its subject).
        if (threadKey is { Length: > 0 } root && root != parent) references.Add(root);
        references.Add(parent);
        return references;
    }

    private static async Task<(string Address, long ContactId)> Recipient(LiaisonDb db, ChannelDescriptors channels, long clientId, Core.Channels.ChannelKind kind, string? requested, string? region, CancellationToken ct)
    {
        var identities = db.ContactIdentities.AsNoTracking().Where(i => i.Kind == kind)
            .Join(db.Contacts.Where(c => c.ClientId == clientId), i => i.ContactId, c => c.Id, (i, c) => new { i.Address, i.ContactId, i.Id });
        if (requested is null)
        {
            var first = await identities.OrderBy(i => i.ContactId).ThenBy(i => i.Id).FirstOrDefaultAsync(ct)
                ?? throw new DomainRuleException("message.recipient.none", $"No contact of this client has a {kind} address; add one or name the recipient.", "to");
            return (first.Address, first.ContactId);
        }
        string address;
        try { address = channels.Normalize(kind, requested, region); }
        catch (DomainRuleException e) { throw new DomainRuleException(e.Rule, e.Message, "to"); }
        var owner = await identities.FirstOrDefaultAsync(i => i.Address == address, ct)
            ?? throw new DomainRuleException("message.recipient.unknown", $"'{requested}' is not an address of a contact of this client.", "to");
        return (owner.Address, owner.ContactId);
    }

    private static Task<OutboxItem?> Find(LiaisonDb db, long messageId, CancellationToken ct) =>
        db.Outbox().FirstOrDefaultAsync(o => o.MessageId == messageId, ct);

    private static async Task<OutboxView> View(LiaisonDb db, OutboxItem item, CancellationToken ct) =>
        OutboxView.From(item, await db.Messages.Where(m => m.Id == item.MessageId).Select(m => m.ConversationId).FirstOrDefaultAsync(ct));

    private static async Task<Results<Ok<OutboxView>, NotFound>> Change(long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, Action<OutboxItem> change, CancellationToken ct)
    {
        var item = await Find(db, messageId, ct);
        if (item is null) return TypedResults.NotFound();
        change(item);
        // The state the change started from is part of the update, so a send claimed meanwhile is not overwritten.
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainConflictException("outbox.changed", "The outbox picked this message up meanwhile; look at where it stands now.");
        }
        outbox.Wake();
        if (await db.Messages.Where(m => m.Id == messageId).Select(m => m.ClientId).FirstOrDefaultAsync(ct) is { } clientId) live.PublishTimeline(clientId);
        return TypedResults.Ok(await View(db, item, ct));
    }
}

public static class OutboxData
{
    public static DbSet<OutboxItem> Outbox(this LiaisonDb db) => db.Set<OutboxItem>();
}
