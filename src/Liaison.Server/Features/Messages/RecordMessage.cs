using Liaison.Core.Channels;
using Liaison.Core.Identities;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Messages;

/// <summary>
/// Records one message and finds where it belongs: identity → contact → client and conversation, or
/// the unknown senders list. The inbound pipeline and every import call this; the API exposes it for
/// history that arrives by other means (a script, an export).
/// </summary>
public static class RecordMessage
{
    /// <param name="Channel">the channel kind it was exchanged on.</param>
    /// <param name="Direction">inbound (from the client) or outbound (from us).</param>
    /// <param name="Counterpart">the client side's address: the sender of an inbound message, the recipient of an outbound one.</param>
    /// <param name="CounterpartName">the name the client side uses there, shown for unknown senders.</param>
    /// <param name="ThreadKey">the channel's own thread id; messages without one form one chat per address.</param>
    public sealed record Request(
        string? Channel, string? Direction, string? Counterpart, string? CounterpartName, string? Text, string? OccurredAt,
        string? Subject = null, string? Html = null, string? ThreadKey = null, string? ProviderMessageId = null);

    public sealed record Recorded(long Id, long? ClientId, long? ContactId, long? ConversationId, long? UnknownSenderId);

    public sealed record Incoming(
        ChannelKind Channel, MessageDirection Direction, string CounterpartAddress, string? CounterpartName, string Text, Instant OccurredAt,
        string? Subject = null, string? Html = null, string? ThreadKey = null, string? ProviderMessageId = null, long? ChannelId = null,
        bool IsAutomated = false);

    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        api.MapPost("/messages", async Task<Created<Recorded>> (Request request, LiaisonDb db, IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct) =>
        {
            var kind = RequestValues.Kind(request.Channel, "channel");
            var incoming = new Incoming(
                kind,
                request.Direction is null ? MessageDirection.Inbound : RequestValues.Enum<MessageDirection>(request.Direction, "direction"),
                IdentityAddress.Normalize(kind, request.Counterpart, options.Value.DefaultPhoneRegion) is var address ? address : "",
                request.CounterpartName,
                request.Text ?? "",
                request.OccurredAt is null ? clock.GetCurrentInstant() : RequestValues.Instant(request.OccurredAt, "occurredAt"),
                // HTML from outside is sanitised like mail's (no scripts, forms, remote loads) before anyone renders it.
                request.Subject, request.Html is null ? null : Liaison.Channels.Email.MailHtml.Sanitize(request.Html), request.ThreadKey, request.ProviderMessageId);
            if (string.IsNullOrWhiteSpace(incoming.Text) && string.IsNullOrWhiteSpace(incoming.Html))
                throw new Core.DomainRuleException("message.text.required", "A message needs text.", "text");
            var recorded = await RecordAsync(db, incoming, clock.GetCurrentInstant(), ct);
            return TypedResults.Created($"/api/messages/{recorded.Id}", recorded);
        }).WithTags("Messages")
          .WithDescription("Records a message exchanged outside a connected channel and places it on its client's timeline, or with the unknown senders.");
        return api;
    }

    /// <summary>Records <paramref name="incoming"/> in one transaction.</summary>
    public static Task<Recorded> RecordAsync(LiaisonDb db, Incoming incoming, Instant now, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var message = new Message(incoming.Channel, incoming.Direction, incoming.CounterpartAddress, incoming.Text, incoming.OccurredAt, now,
                incoming.ChannelId, incoming.Subject, incoming.Html, incoming.ProviderMessageId);
            if (incoming.IsAutomated) message.MarkNoAnswerNeeded();
            var owner = await db.ContactIdentities.AsNoTracking()
                .Where(i => i.Kind == incoming.Channel && i.Address == incoming.CounterpartAddress)
                .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => new { ContactId = c.Id, c.ClientId })
                .FirstOrDefaultAsync(ct);
            if (owner is not null)
            {
                var conversation = incoming.ThreadKey is { } threadKey
                    ? await MessagePlacement.ConversationForThread(db, owner.ClientId, incoming.Channel, incoming.ChannelId, threadKey, incoming.Subject, incoming.OccurredAt, ct)
                    : await MessagePlacement.ConversationFor(db, owner.ClientId, incoming.Channel,
                        MessagePlacement.DefaultThreadKey(incoming.Channel, incoming.CounterpartAddress), incoming.Subject, incoming.OccurredAt, ct);
                message.PlaceWith(owner.ClientId, owner.ContactId, conversation.Id);
                // Find: a batch of one client's mail asks the database once, not once per message.
                var client = await db.Clients.FindAsync([owner.ClientId], ct) ?? throw new InvalidOperationException($"Client {owner.ClientId} is gone.");
                client.RecordActivity(incoming.OccurredAt);
            }
            else
            {
                var unknown = await db.UnknownSenders.FirstOrDefaultAsync(u => u.Kind == incoming.Channel && u.Address == incoming.CounterpartAddress, ct);
                if (unknown is null)
                {
                    unknown = new UnknownSender(incoming.Channel, incoming.CounterpartAddress, incoming.CounterpartName, incoming.OccurredAt);
                    db.UnknownSenders.Add(unknown);
                    await db.SaveChangesAsync(ct);
                }
                unknown.RecordMessage(incoming.OccurredAt, incoming.CounterpartName);
                message.HoldAsUnknown(unknown.Id);
            }
            db.Messages.Add(message);
            await db.SaveChangesAsync(ct);
            return new Recorded(message.Id, message.ClientId, message.ContactId, message.ConversationId, message.UnknownSenderId);
        }, ct);
}
