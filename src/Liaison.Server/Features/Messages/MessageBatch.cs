using Liaison.Core.Channels;
using Liaison.Core.Contacts;
using Liaison.Core.Conversations;
using Liaison.Core.Identities;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Messages;

/// <summary>
/// Records many messages at once with a fixed number of questions to the database per batch —
/// which are stored already, whose addresses these are, which conversations and unknown senders
/// exist — instead of several per message: a mailbox's first sync records tens of thousands of
/// mails, and one at a time cost eight round trips each. The batch's order is kept: a later
/// message finds the conversation an earlier one started, and a reply its parent in the same batch.
/// </summary>
public static class MessageBatch
{
    /// <summary>
    /// Records <paramref name="batch"/> in the caller's transaction and saves. Returns, in the batch's
    /// order, what each became, or null for a message its channel already delivered (same provider id).
    /// </summary>
    public static async Task<IReadOnlyList<RecordMessage.Recorded?>> RecordAsync(
        LiaisonDb db, ChannelDescriptors channels, IReadOnlyList<RecordMessage.Incoming> batch, Instant now, CancellationToken ct)
    {
        var fresh = await WithoutStoredAsync(db, batch, ct);
        await RecogniseSendersAsync(db, batch, fresh, now, ct);
        var owners = await OwnersAsync(db, channels, fresh.Select(i => batch[i]), ct);
        var conversations = await ConversationsAsync(db, batch, fresh, owners, ct);
        var unknownSenders = await UnknownSendersAsync(db, batch, fresh, owners, ct);
        // New conversations and unknown senders get their ids, which the messages refer to.
        await db.SaveChangesAsync(ct);

        var clientIds = owners.Values.Select(o => o.ClientId).Distinct().ToList();
        var clients = clientIds.Count == 0 ? [] : await db.Clients.Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var messages = new Message?[batch.Count];
        var mayHaveBeenAnswered = new HashSet<Conversation>();
        foreach (var i in fresh)
        {
            var incoming = batch[i];
            var message = new Message(incoming.Channel, incoming.Direction, incoming.CounterpartAddress, incoming.Text, incoming.OccurredAt, now,
                incoming.ChannelId, incoming.Subject, incoming.Html, incoming.ProviderMessageId, incoming.ThreadKey);
            if (incoming.IsAutomated) message.MarkNoAnswerNeeded();
            if (incoming.IsBackfill) message.MarkBackfill();
            if (incoming.SenderMarkedUrgent) message.MarkSenderUrgent();
            if (incoming.FormattingWithheld || incoming.AttachmentsLeftOut > 0) message.RecordLeftOut(incoming.FormattingWithheld, incoming.AttachmentsLeftOut);
            if (owners.TryGetValue((incoming.Channel, incoming.CounterpartAddress), out var owner))
            {
                var conversation = conversations[i]!;
                // Our reply answers what came before it; a message older than the conversation's
                // latest (a sync reading INBOX after Sent) may already have been answered.
                if (incoming.Direction == MessageDirection.Outbound || incoming.OccurredAt < conversation.LastMessageAt) mayHaveBeenAnswered.Add(conversation);
                message.PlaceWith(owner.ClientId, owner.ContactId, conversation.Id);
                conversation.RecordMessage(incoming.OccurredAt);
                clients[owner.ClientId].RecordActivity(incoming.OccurredAt);
            }
            else
            {
                var unknown = unknownSenders[(incoming.Channel, incoming.CounterpartAddress)];
                unknown.RecordMessage(incoming.OccurredAt, incoming.CounterpartName);
                message.HoldAsUnknown(unknown.Id);
            }
            db.Messages.Add(message);
            messages[i] = message;
        }
        await db.SaveChangesAsync(ct);
        await AdoptEarlyRepliesAsync(db, batch, messages, conversations, mayHaveBeenAnswered, ct);
        // The client wrote again: what was snoozed in that conversation is back (before the new promises, which are not snoozed).
        await Promises.MakingPromises.EndSnoozesAsync(db, messages.Where(m => m is { Direction: MessageDirection.Inbound, ConversationId: not null })
            .Select(m => m!.ConversationId!.Value).Distinct().ToList(), ct);
        await Promises.MakingPromises.MakeAsync(db, messages.OfType<Message>().ToList(), now, ct);
        await MessagePlacement.MarkAnsweredAsync(db, mayHaveBeenAnswered.Select(c => c.Id).ToList(), ct);
        return messages.Select(m => m is null ? null : new RecordMessage.Recorded(m.Id, m.ClientId, m.ContactId, m.ConversationId, m.UnknownSenderId, m.ChannelId, m.IsBackfill)).ToList();
    }

    /// <summary>
    /// A reply that arrived before the message it answers (INBOX read before Sent, or deliveries
    /// committed out of order) started a conversation of its own: keyed by the id it names in
    /// In-Reply-To, or, without ids, by its topic. Now that the message is here, that conversation's
    /// messages join the one it is in.
    /// </summary>
    private static async Task AdoptEarlyRepliesAsync(LiaisonDb db, IReadOnlyList<RecordMessage.Incoming> batch, Message?[] messages,
        Conversation?[] conversations, HashSet<Conversation> changed, CancellationToken ct)
    {
        var placed = Enumerable.Range(0, batch.Count)
            .Where(i => conversations[i] is not null && messages[i] is not null && batch[i].ProviderMessageId is not null)
            .ToList();
        if (placed.Count == 0) return;
        // The keys an early reply's conversation would have: this message's id, and its topic.
        string[] KeysOf(int i) => batch[i].Subject is { } subject && !string.IsNullOrWhiteSpace(subject)
            ? [batch[i].ProviderMessageId!, Topic.ThreadKeyFor(subject)]
            : [batch[i].ProviderMessageId!];
        var keys = placed.SelectMany(KeysOf).Distinct().ToList();
        var clientIds = placed.Select(i => conversations[i]!.ClientId).Distinct().ToList();
        var named = await db.Conversations.Where(c => clientIds.Contains(c.ClientId) && keys.Contains(c.ThreadKey)).ToListAsync(ct);
        if (named.Count == 0) return;
        foreach (var i in placed)
        {
            var home = conversations[i]!;
            var keysOfI = KeysOf(i);
            foreach (var early in named.Where(c => keysOfI.Contains(c.ThreadKey) && c.ClientId == home.ClientId && c.ChannelKind == home.ChannelKind && c.Id != home.Id).ToList())
            {
                await db.Messages.Where(m => m.ConversationId == early.Id).ExecuteUpdateAsync(set => set.SetProperty(m => m.ConversationId, home.Id), ct);
                await Promises.MakingPromises.MoveConversationAsync(db, early.Id, home.Id, ct);
                // This batch's own messages are tracked: moved in memory too, or removing the
                // conversation would set theirs to null.
                foreach (var moved in messages.Where(m => m?.ConversationId == early.Id)) moved!.PlaceWith(moved.ClientId!.Value, moved.ContactId!.Value, home.Id);
                home.RecordMessage(early.StartedAt);
                home.RecordMessage(early.LastMessageAt);
                db.Conversations.Remove(early);
                named.Remove(early);
                changed.Add(home);
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Senders no contact has by their address, but known otherwise: by an alias of theirs a contact
    /// has (a Telegram @username beside the numeric id the message comes from), which then gets the
    /// address as well, so both are one person's; or, when nobody knows them, by the group chat they
    /// wrote in being a contact's address (a client's work chat), which makes them a new contact of
    /// that client. What they wrote while unknown moves to the client with them.
    /// </summary>
    private static async Task RecogniseSendersAsync(LiaisonDb db, IReadOnlyList<RecordMessage.Incoming> batch, List<int> fresh, Instant now, CancellationToken ct)
    {
        var candidates = fresh.Select(i => batch[i]).Where(m => m.Direction == MessageDirection.Inbound && (m.Aliases is { Count: > 0 } || m.GroupAddress is not null)).ToList();
        if (candidates.Count == 0) return;
        var addresses = candidates.Select(m => m.CounterpartAddress).Distinct().ToList();
        var settled = (await db.ContactIdentities.AsNoTracking().Where(i => addresses.Contains(i.Address)).Select(i => new { i.Kind, i.Address }).ToListAsync(ct))
            .Select(i => (i.Kind, i.Address)).ToHashSet();
        var others = candidates.SelectMany(m => (m.Aliases ?? []).Append(m.GroupAddress)).OfType<string>().Distinct().ToList();
        var owners = (await db.ContactIdentities.AsNoTracking().Where(i => others.Contains(i.Address))
                .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => new { i.Kind, i.Address, ContactId = c.Id, c.ClientId }).ToListAsync(ct))
            .ToDictionary(o => (o.Kind, o.Address));
        var changed = false;
        foreach (var m in candidates)
        {
            if (!settled.Add((m.Channel, m.CounterpartAddress))) continue;
            Contact? contact = null;
            var unowned = new List<string>();
            foreach (var alias in m.Aliases ?? [])
            {
                if (owners.TryGetValue((m.Channel, alias), out var byAlias)) contact ??= await db.Contacts.Include(c => c.Identities).FirstAsync(c => c.Id == byAlias.ContactId, ct);
                else unowned.Add(alias);
            }
            if (contact is null && m.GroupAddress is { } group && owners.TryGetValue((m.Channel, group), out var chat))
            {
                contact = new Contact(chat.ClientId, string.IsNullOrWhiteSpace(m.CounterpartName) ? m.CounterpartAddress : m.CounterpartName,
                    m.GroupName is { Length: > 0 } title ? $"in the chat “{title}”" : null, now);
                db.Contacts.Add(contact);
                await db.SaveChangesAsync(ct);
                foreach (var alias in unowned) contact.AddIdentity(m.Channel, alias, null, now);
            }
            if (contact is null) continue;
            contact.AddIdentity(m.Channel, m.CounterpartAddress, null, now);
            foreach (var alias in unowned) owners[(m.Channel, alias)] = new { Kind = m.Channel, Address = alias, ContactId = contact.Id, contact.ClientId };
            var unknown = await db.UnknownSenders.FirstOrDefaultAsync(u => u.Kind == m.Channel && u.Address == m.CounterpartAddress, ct);
            if (unknown is not null)
            {
                var waiting = await db.Messages.Where(w => w.UnknownSenderId == unknown.Id).ToListAsync(ct);
                await MessagePlacement.PlaceAsync(db, waiting, contact.ClientId, contact.Id, ct);
                db.UnknownSenders.Remove(unknown);
            }
            changed = true;
        }
        if (changed) await db.SaveChangesAsync(ct);
    }

    /// <summary>The indexes of the messages not stored yet: a provider's retry, the same mail in INBOX and Sent, or twice in this batch.</summary>
    private static async Task<List<int>> WithoutStoredAsync(LiaisonDb db, IReadOnlyList<RecordMessage.Incoming> batch, CancellationToken ct)
    {
        var channelIds = batch.Where(m => m.ProviderMessageId is not null).Select(m => m.ChannelId).Distinct().ToList();
        var providerIds = batch.Where(m => m.ProviderMessageId is not null).Select(m => m.ProviderMessageId!).Distinct().ToList();
        var seen = new HashSet<(long, string)>();
        if (providerIds.Count > 0)
        {
            var stored = await db.Messages.AsNoTracking()
                .Where(m => channelIds.Contains(m.ChannelId) && m.ProviderMessageId != null && providerIds.Contains(m.ProviderMessageId))
                .Select(m => new { m.ChannelId, ProviderMessageId = m.ProviderMessageId! })
                .ToListAsync(ct);
            foreach (var m in stored) seen.Add((m.ChannelId, m.ProviderMessageId));
        }
        var fresh = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is { ProviderMessageId: { } providerId } && !seen.Add((batch[i].ChannelId, providerId))) continue;
            fresh.Add(i);
        }
        return fresh;
    }

    /// <summary>
    /// The contact and client of each sender or recipient address: the contact holding that address,
    /// else one holding the same person's address under another kind (a WhatsApp number saved as
    /// the contact's phone), in the order the channel's descriptor gives.
    /// </summary>
    private static async Task<Dictionary<(ChannelKind Kind, string Address), (long ContactId, long ClientId)>> OwnersAsync(
        LiaisonDb db, ChannelDescriptors channels, IEnumerable<RecordMessage.Incoming> messages, CancellationToken ct)
    {
        var keys = messages.Select(m => (Kind: m.Channel, Address: m.CounterpartAddress)).Distinct().ToList();
        if (keys.Count == 0) return [];
        var samePerson = keys.ToDictionary(k => k, k => channels.Knows(k.Kind) ? channels.SamePerson(k.Kind, k.Address).ToList() : []);
        var addresses = keys.Select(k => k.Address).Concat(samePerson.Values.SelectMany(a => a.Select(x => x.Address))).Distinct().ToList();
        var found = (await db.ContactIdentities.AsNoTracking()
            .Where(i => addresses.Contains(i.Address))
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => new { i.Kind, i.Address, ContactId = c.Id, c.ClientId })
            .ToListAsync(ct))
            .ToDictionary(o => (o.Kind, o.Address), o => (o.ContactId, o.ClientId));
        var owners = new Dictionary<(ChannelKind Kind, string Address), (long ContactId, long ClientId)>();
        foreach (var key in keys)
        {
            if (found.TryGetValue(key, out var owner)) owners[key] = owner;
            else if (samePerson[key].FirstOrDefault(found.ContainsKey) is { Address: not null } other) owners[key] = found[other];
        }
        return owners;
    }

    /// <summary>
    /// The conversation of each known sender's message, in the batch's order: the one with its thread
    /// key; else, for a message that names its thread, the conversation of the message it names (a
    /// mail with only In-Reply-To names its parent, not the root the conversation is keyed by); else,
    /// for a thread key from the subject, the client's conversation about that topic; else a new one.
    /// </summary>
    private static async Task<Conversation?[]> ConversationsAsync(
        LiaisonDb db, IReadOnlyList<RecordMessage.Incoming> batch, List<int> fresh,
        Dictionary<(ChannelKind Kind, string Address), (long ContactId, long ClientId)> owners, CancellationToken ct)
    {
        var result = new Conversation?[batch.Count];
        var placed = fresh.Where(i => owners.ContainsKey((batch[i].Channel, batch[i].CounterpartAddress))).ToList();
        if (placed.Count == 0) return result;
        long ClientOf(int i) => owners[(batch[i].Channel, batch[i].CounterpartAddress)].ClientId;
        string KeyOf(int i) => batch[i].ThreadKey ?? MessagePlacement.DefaultThreadKey(batch[i].Channel, batch[i].CounterpartAddress);

        var clientIds = placed.Select(ClientOf).Distinct().ToList();
        var keys = placed.Select(KeyOf).Distinct().ToList();
        var byKey = new Dictionary<(long ClientId, ChannelKind Kind, string Key), Conversation>();
        foreach (var c in await db.Conversations.Where(c => clientIds.Contains(c.ClientId) && keys.Contains(c.ThreadKey)).ToListAsync(ct))
            byKey[(c.ClientId, c.ChannelKind, c.ThreadKey)] = c;

        var parentIds = placed
            .Where(i => batch[i].ThreadKey is { } key && Topic.OfThreadKey(key) is null && !byKey.ContainsKey((ClientOf(i), batch[i].Channel, key)))
            .Select(i => batch[i].ThreadKey!).Distinct().ToList();
        var parents = new Dictionary<(long ChannelId, long ClientId, string ProviderId), Conversation>();
        if (parentIds.Count > 0)
        {
            var found = await db.Messages.AsNoTracking()
                .Where(m => m.ProviderMessageId != null && parentIds.Contains(m.ProviderMessageId) && m.ClientId != null && clientIds.Contains(m.ClientId.Value) && m.ConversationId != null)
                .Select(m => new { m.ChannelId, ClientId = m.ClientId!.Value, ProviderId = m.ProviderMessageId!, ConversationId = m.ConversationId!.Value })
                .ToListAsync(ct);
            var conversationIds = found.Select(f => f.ConversationId).Distinct().ToList();
            var byId = await db.Conversations.Where(c => conversationIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            foreach (var f in found) parents[(f.ChannelId, f.ClientId, f.ProviderId)] = byId[f.ConversationId];
        }

        var topics = new Dictionary<(long ClientId, ChannelKind Kind), List<Conversation>>();
        foreach (var i in placed)
        {
            var m = batch[i];
            var clientId = ClientOf(i);
            var key = KeyOf(i);
            var conversation = byKey.GetValueOrDefault((clientId, m.Channel, key));
            if (conversation is null && m.ThreadKey is not null)
            {
                conversation = parents.GetValueOrDefault((m.ChannelId, clientId, m.ThreadKey));
                if (conversation is null && Topic.OfThreadKey(m.ThreadKey) is { } topic)
                {
                    if (!topics.TryGetValue((clientId, m.Channel), out var candidates))
                        topics[(clientId, m.Channel)] = candidates = await RecentConversationsAsync(db, clientId, m.Channel, ct);
                    conversation = candidates.FirstOrDefault(c => Topic.Normalise(c.Subject) == topic);
                }
            }
            if (conversation is null)
            {
                conversation = new Conversation(clientId, m.Channel, key, m.Subject, m.OccurredAt);
                db.Conversations.Add(conversation);
                topics.GetValueOrDefault((clientId, m.Channel))?.Insert(0, conversation);
            }
            byKey[(clientId, m.Channel, key)] = conversation;
            // A reply later in the batch names this message as its parent.
            if (m.ProviderMessageId is { } providerId) parents[(m.ChannelId, clientId, providerId)] = conversation;
            result[i] = conversation;
        }
        return result;
    }

    /// <summary>
    /// The client's latest conversations on a channel, for matching a topic by subject (recent ones
    /// are the ones still discussed), after those this batch started.
    /// </summary>
    private static async Task<List<Conversation>> RecentConversationsAsync(LiaisonDb db, long clientId, ChannelKind kind, CancellationToken ct)
    {
        var started = db.ChangeTracker.Entries<Conversation>()
            .Where(e => e.State == EntityState.Added && e.Entity.ClientId == clientId && e.Entity.ChannelKind == kind)
            .Select(e => e.Entity).Reverse();
        var stored = await db.Conversations.Where(c => c.ClientId == clientId && c.ChannelKind == kind && c.Subject != null)
            .OrderByDescending(c => c.LastMessageAt).Take(500).ToListAsync(ct);
        return [.. started, .. stored];
    }

    private static async Task<Dictionary<(ChannelKind Kind, string Address), UnknownSender>> UnknownSendersAsync(
        LiaisonDb db, IReadOnlyList<RecordMessage.Incoming> batch, List<int> fresh,
        Dictionary<(ChannelKind Kind, string Address), (long ContactId, long ClientId)> owners, CancellationToken ct)
    {
        var unknown = fresh.Select(i => batch[i]).Where(m => !owners.ContainsKey((m.Channel, m.CounterpartAddress))).ToList();
        if (unknown.Count == 0) return [];
        var addresses = unknown.Select(m => m.CounterpartAddress).Distinct().ToList();
        var senders = (await db.UnknownSenders.Where(u => addresses.Contains(u.Address)).ToListAsync(ct))
            .ToDictionary(u => (u.Kind, u.Address));
        foreach (var m in unknown)
        {
            if (senders.ContainsKey((m.Channel, m.CounterpartAddress))) continue;
            var sender = new UnknownSender(m.Channel, m.CounterpartAddress, m.CounterpartName, m.OccurredAt);
            db.UnknownSenders.Add(sender);
            senders[(m.Channel, m.CounterpartAddress)] = sender;
        }
        return senders;
    }
}
