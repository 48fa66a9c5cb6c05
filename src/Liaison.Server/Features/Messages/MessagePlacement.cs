using Liaison.Core.Channels;
using Liaison.Core.Conversations;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Features.Messages;

/// <summary>
/// Puts messages on a client's timeline: into the conversation their thread belongs to (created on
/// first use), with the client's last activity moved forward. Shared by recording a message, placing
/// an unknown sender's messages, and merging contacts.
/// </summary>
public static class MessagePlacement
{
    /// <summary>The thread a message without a channel-specific thread belongs to: the chat with that address.</summary>
    public static string DefaultThreadKey(ChannelKind kind, string counterpartAddress) => $"{kind.Value}:{counterpartAddress}";

    public static async Task<Conversation> ConversationFor(LiaisonDb db, long clientId, ChannelKind kind, string threadKey, string? subject, NodaTime.Instant at, CancellationToken ct)
    {
        var conversation = await Find(db, clientId, kind, threadKey, ct) ?? await StartAsync(db, clientId, kind, threadKey, subject, at, ct);
        conversation.RecordMessage(at);
        return conversation;
    }

    private static async Task<Conversation> StartAsync(LiaisonDb db, long clientId, ChannelKind kind, string threadKey, string? subject, NodaTime.Instant at, CancellationToken ct)
    {
        var conversation = new Conversation(clientId, kind, threadKey, subject, at);
        db.Conversations.Add(conversation);
        // The id is needed by the messages placed into it.
        await db.SaveChangesAsync(ct);
        return conversation;
    }

    private static async Task<Conversation?> Find(LiaisonDb db, long clientId, ChannelKind kind, string threadKey, CancellationToken ct) =>
        db.Conversations.Local.FirstOrDefault(c => c.ClientId == clientId && c.ChannelKind == kind && c.ThreadKey == threadKey)
        ?? await db.Conversations.FirstOrDefaultAsync(c => c.ClientId == clientId && c.ChannelKind == kind && c.ThreadKey == threadKey, ct);

    /// <summary>
    /// Like <see cref="ConversationFor"/>, for a message that names its thread: when no conversation of
    /// the client has <paramref name="threadKey"/> but a message of the client already stored on the same
    /// channel has it as its provider id, the new message joins that message's conversation. A mail
    /// with In-Reply-To and no References names its parent, not the thread's root the conversation is keyed by.
    /// </summary>
    public static async Task<Conversation> ConversationForThread(
        LiaisonDb db, long clientId, ChannelKind kind, long? channelId, string threadKey, string? subject, NodaTime.Instant at, CancellationToken ct)
    {
        var conversation = await Find(db, clientId, kind, threadKey, ct);
        if (conversation is null)
        {
            var parentConversationId = await db.Messages.AsNoTracking()
                .Where(m => m.ChannelId == channelId && m.ChannelKind == kind && m.ProviderMessageId == threadKey && m.ClientId == clientId && m.ConversationId != null)
                .Select(m => m.ConversationId).FirstOrDefaultAsync(ct);
            if (parentConversationId is { } id) conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, ct);
        }
        conversation ??= await StartAsync(db, clientId, kind, threadKey, subject, at, ct);
        conversation.RecordMessage(at);
        return conversation;
    }

    /// <summary>
    /// A client's message is answered once a person wrote in its conversation at or after it — from
    /// Liaison, or from another mail client (found in Sent): it no longer counts as needing an answer,
    /// and its promise is answered by that message. A message an automatic rule sent (an
    /// acknowledgement, <see cref="Message.IsAutomatic"/>) answers nothing. Applies that to the inbound
    /// messages of <paramref name="conversationIds"/>.
    /// </summary>
    public static async Task<int> MarkAnsweredAsync(LiaisonDb db, IReadOnlyCollection<long> conversationIds, CancellationToken ct)
    {
        if (conversationIds.Count == 0) return 0;
        var answered = await db.Messages
            .Where(m => m.NeedsAnswer && m.Direction == MessageDirection.Inbound && m.ConversationId != null && conversationIds.Contains(m.ConversationId.Value)
                && db.Messages.Any(o => o.ConversationId == m.ConversationId && o.Direction == MessageDirection.Outbound && !o.IsAutomatic && o.OccurredAt >= m.OccurredAt))
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.NeedsAnswer, false), ct);
        await Promises.MakingPromises.AnswerAsync(db, conversationIds, ct);
        return answered;
    }

    /// <summary>
    /// Places tracked <paramref name="messages"/> with a contact of a client; the caller saves. A message
    /// already in a conversation (of another client) keeps its thread: it moves to the conversation with
    /// the same thread key at the new client.
    /// </summary>
    public static async Task PlaceAsync(LiaisonDb db, IReadOnlyCollection<Message> messages, long clientId, long contactId, CancellationToken ct)
    {
        var client = await db.Clients.FirstAsync(c => c.Id == clientId, ct);
        var previousIds = messages.Where(m => m.ConversationId is not null).Select(m => m.ConversationId!.Value).Distinct().ToList();
        var previous = previousIds.Count == 0
            ? []
            : await db.Conversations.AsNoTracking().Where(c => previousIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.ThreadKey, ct);
        foreach (var message in messages)
        {
            var conversation = message.ConversationId is { } old && previous.TryGetValue(old, out var key)
                ? await ConversationFor(db, clientId, message.ChannelKind, key, message.Subject, message.OccurredAt, ct)
                : message.ThreadKey is { } threadKey
                    ? await ConversationForThread(db, clientId, message.ChannelKind, message.ChannelId, threadKey, message.Subject, message.OccurredAt, ct)
                    : await ConversationFor(db, clientId, message.ChannelKind, DefaultThreadKey(message.ChannelKind, message.CounterpartAddress), message.Subject, message.OccurredAt, ct);
            message.PlaceWith(clientId, contactId, conversation.Id);
            client.RecordActivity(message.OccurredAt);
        }
        await Promises.MakingPromises.FollowAsync(db, messages, ct);
    }
}
