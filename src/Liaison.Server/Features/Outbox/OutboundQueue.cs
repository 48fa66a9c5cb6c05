using Liaison.Core;
using Liaison.Core.Identities;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// A message to a client, as anyone asks for one: the REST endpoint, the composer, an automatic rule.
/// </summary>
/// <param name="ChannelId">the connected channel to send on; for a reply, defaults to the one the answered message came through.</param>
/// <param name="To">the contact's address on that channel; defaults to the answered message's sender, else the client's first contact address of the kind.</param>
/// <param name="InReplyToMessageId">a message of this client to answer: the reply joins its conversation and thread.</param>
/// <param name="Text">required unless a <paramref name="Template"/> says it all.</param>
/// <param name="IdempotencyKey">an automatic rule's key: queued once per channel; asking again returns the first message.</param>
/// <param name="NotBefore">a scheduled send: held until then (the client's next contact hour); null sends at once.</param>
public sealed record QueueRequest(
    long ClientId,
    long? ChannelId,
    string? To,
    string? Subject,
    string? Text,
    long? InReplyToMessageId = null,
    IReadOnlyList<OutboundAttachment>? Attachments = null,
    OutboundTemplate? Template = null,
    MessagePurpose Purpose = MessagePurpose.Person,
    string? IdempotencyKey = null,
    Instant? NotBefore = null);

/// <summary>A queued message and its outbox entry.</summary>
/// <param name="AlreadyQueued">the idempotency key had queued it before: nothing new was stored.</param>
public sealed record QueuedMessage(Message Message, OutboxItem Item, bool AlreadyQueued);

/// <summary>
/// The one way to queue an outbound message: checks it against the channel's rules, stores the
/// message with its outbox entry in one transaction and wakes the <see cref="OutboxSender"/>. No HTTP
/// in it, so a background rule (no request, no scope) queues exactly as the owner's Send does.
/// </summary>
public sealed class OutboundQueue(
    IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, IEnumerable<IChannelSender> senders, AttachmentStore attachments,
    OutboxSender outbox, LiveUpdates live, IClock clock, IOptions<LiaisonOptions> options, ReplyWindows windows, ChannelTemplates templates)
{
    /// <summary>How far ahead a message may be scheduled: past the longest holiday, short of forgetting it.</summary>
    public const int ScheduledSendMaxDays = 60;

    /// <summary>Queues the message; null when there is no such client. A broken rule is a <see cref="DomainRuleException"/> naming the field.</summary>
    public async Task<QueuedMessage?> QueueAsync(QueueRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var clientId = request.ClientId;
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, ct)) return null;
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
        var key = string.IsNullOrWhiteSpace(request.IdempotencyKey) ? null : request.IdempotencyKey.Trim();
        if (key is { Length: > 200 })
            throw new DomainRuleException("message.idempotencyKey.length", "An idempotency key is at most 200 characters.", "idempotencyKey");
        if (key is not null && await QueuedBeforeAsync(db, channelId, key, ct) is { } before) return before;
        if (request.NotBefore is { } notBefore && notBefore > clock.GetCurrentInstant() + Duration.FromDays(ScheduledSendMaxDays))
            throw new DomainRuleException("message.sendAt.too-far", $"A message can be scheduled at most {ScheduledSendMaxDays} days ahead.", "sendAt");
        if (string.IsNullOrWhiteSpace(request.Text) && request.Template is null)
            throw new DomainRuleException("message.text.required", "A message needs text.", "text");
        foreach (var attachment in request.Attachments ?? [])
            if (attachment.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigitLower) || !attachments.Exists(sha))
                throw new DomainRuleException("message.attachment.unknown", $"No stored attachment has the hash '{attachment.Sha256}'.", "attachments");

        var to = await Recipient(db, clientId, channel.Kind, request.To ?? original?.CounterpartAddress, options.Value.DefaultPhoneRegion, ct);
        var conversation = original?.ConversationId is { } conversationId
            ? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct)
            : null;
        // A template says what the provider approved; the message keeps the words the client reads.
        var (template, text) = request.Template is null ? (null, request.Text?.Trim() ?? "") : await templates.CheckAsync(db, channelId, request.Template, ct);
        var content = new OutboundContent(request.Subject, text, request.Attachments, original?.ProviderMessageId,
            original?.ProviderMessageId is { } parent ? References(conversation?.ThreadKey, parent) : null, template, request.Purpose, key);
        var settings = (await directory.FindAsync(channelId, ct)).Settings;
        // Free text outside a messenger's reply window would only be refused by the provider later.
        ReplyWindows.Check(await windows.ForAsync(db, channelId, channel.Kind, to.Address, request.Purpose, settings, ct), content, directory.Descriptors.For(channel.Kind));
        var draft = sender.Prepare(new OutboundDraft(to.Address, content), settings);

        var now = clock.GetCurrentInstant();
        try
        {
            var queued = await db.InTransactionAsync(async () =>
            {
                // A new message starts its own thread: keyed by its own id where the channel names it
                // (an e-mail thread), else the chat with the recipient.
                var thread = conversation is null
                    ? await MessagePlacement.ConversationFor(db, clientId, channel.Kind,
                        directory.Descriptors.For(channel.Kind).NewConversationKey(to.Address, draft.ProviderMessageId), draft.Content.Subject, now, ct)
                    : await db.Conversations.FirstAsync(c => c.Id == conversation.Id, ct);
                thread.RecordMessage(now);
                var message = new Message(channel.Kind, MessageDirection.Outbound, to.Address, draft.Content.Text, now, now, channelId, draft.Content.Subject,
                    providerMessageId: draft.ProviderMessageId);
                message.PlaceWith(clientId, to.ContactId, thread.Id);
                if (request.Purpose != MessagePurpose.Person) message.MarkAutomatic();
                (await db.Clients.FirstAsync(c => c.Id == clientId, ct)).RecordActivity(now);
                db.Messages.Add(message);
                await db.SaveChangesAsync(ct);
                // A person writing back is answering, whether or not the provider has taken it yet; an automatic rule's message is not.
                if (!message.IsAutomatic) await MessagePlacement.MarkAnsweredAsync(db, [thread.Id], ct);
                var item = new OutboxItem(message.Id, channelId, draft.Content, now, request.NotBefore);
                db.Outbox().Add(item);
                return new QueuedMessage(message, item, AlreadyQueued: false);
            }, ct);
            live.PublishTimeline(clientId);
            if (!queued.Message.IsAutomatic) live.PublishQueue();
            outbox.Wake();
            return queued;
        }
        catch (DbUpdateException) when (key is not null)
        {
            // The same rule ran twice at once: the other run's message stands, this one was rolled back.
            await using var again = await dbs.CreateDbContextAsync(ct);
            if (await QueuedBeforeAsync(again, channelId, key, ct) is { } first) return first;
            throw;
        }
    }

    private static async Task<QueuedMessage?> QueuedBeforeAsync(LiaisonDb db, long channelId, string key, CancellationToken ct)
    {
        var item = await db.Outbox().AsNoTracking().FirstOrDefaultAsync(o => o.ChannelId == channelId && o.IdempotencyKey == key, ct);
        if (item is null) return null;
        var message = await db.Messages.AsNoTracking().FirstAsync(m => m.Id == item.MessageId, ct);
        return new QueuedMessage(message, item, AlreadyQueued: true);
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

    private async Task<(string Address, long ContactId)> Recipient(LiaisonDb db, long clientId, Core.Channels.ChannelKind kind, string? requested, string? region, CancellationToken ct)
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
        try { address = directory.Descriptors.Normalize(kind, requested, region); }
        catch (DomainRuleException e) { throw new DomainRuleException(e.Rule, e.Message, "to"); }
        var owner = await identities.FirstOrDefaultAsync(i => i.Address == address, ct)
            ?? throw new DomainRuleException("message.recipient.unknown", $"'{requested}' is not an address of a contact of this client.", "to");
        return (owner.Address, owner.ContactId);
    }
}
