using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// Writing to a client through the API: a reply in a conversation or a new one, queued through
/// <see cref="OutboundQueue"/> and answered with 202; <see cref="OutboxSender"/> sends it.
/// </summary>
public static class SendMessage
{
    /// <param name="ChannelId">the connected channel to send on; for a reply, defaults to the one the answered message came through.</param>
    /// <param name="To">the contact's address on that channel; defaults to the answered message's sender, else the client's first contact address of the kind.</param>
    /// <param name="InReplyToMessageId">a message of this client to answer: the reply joins its conversation and thread.</param>
    /// <param name="IdempotencyKey">a script's key for this message: asked again with the same key (on the same channel), the first message is answered and nothing is sent twice.</param>
    /// <param name="SendAt">a scheduled send: an instant (ISO 8601, "2027-03-08T07:00:00Z") before which it does not leave; GET /api/clients/{id}/contact-time offers the client's next contact hour. Null sends at once.</param>
    /// <param name="Template">an approved template of the channel (WhatsApp outside the 24-hour window) in place of the text: see <c>GET /api/channels/{id}/templates</c>.</param>
    public sealed record Request(long? ChannelId, [property: MaxLength(320)] string? To, [property: MaxLength(1000)] string? Subject, [property: MaxLength(RequestText.MaxMessageTextLength)] string? Text, long? InReplyToMessageId,
        [property: MaxLength(200)] string? IdempotencyKey = null, TemplateRequest? Template = null, [property: MaxLength(64)] string? SendAt = null);

    /// <param name="Name">the template's name as the provider approved it.</param>
    /// <param name="Language">its language as the provider names it ("en_US", "pl").</param>
    /// <param name="Parameters">the values of its placeholders, in order.</param>
    public sealed record TemplateRequest([property: MaxLength(512)] string Name, [property: MaxLength(32)] string Language, [property: MaxLength(20)] IReadOnlyList<string>? Parameters);

    /// <param name="ProviderMessageId">the provider's id for the message: chosen before sending where the channel names its messages (an e-mail's Message-ID), else null until sent.</param>
    /// <param name="State">queued, sending, sent, failed, deferred or cancelled.</param>
    /// <param name="NextAttemptAt">when a queued, deferred or failed message is tried (again); null when it waits for the owner's Retry.</param>
    /// <param name="LastError">the provider's own words about the last failure or deferral ("The mail server refused it: 550 5.1.1 …"), or a warning after a send that left.</param>
    /// <param name="LastErrorCode">the provider's code for a refusal for good ("550").</param>
    /// <param name="ScheduledFor">a scheduled send's instant, while it waits for it (state queued); null otherwise.</param>
    public sealed record OutboxView(long MessageId, long? ConversationId, string? ProviderMessageId, string To, string? Subject, string State, int Attempts,
        Instant? NextAttemptAt, string? LastError, string? LastErrorCode, Instant? SentAt, string Purpose, Instant? ScheduledFor = null)
    {
        public static OutboxView From(OutboxItem o, Message m) => new(o.MessageId, m.ConversationId, m.ProviderMessageId, m.CounterpartAddress, o.Content.Subject,
            o.State.ToString().ToLowerInvariant(), o.Attempts, o.NextAttemptAt, o.LastError, o.LastErrorCode, o.SentAt, o.Content.Purpose.ToString().ToLowerInvariant(),
            o.State == OutboxState.Queued ? o.ScheduledFor : null);
    }

    /// <param name="WithinContactHours">the client may be written to now.</param>
    /// <param name="NextContactHour">when not: the start of their next contact hour, offered for a scheduled send.</param>
    /// <param name="ClientTimeZone">the zone the contact hours are read in.</param>
    public sealed record ContactTimeView(bool WithinContactHours, Instant? NextContactHour, string ClientTimeZone);

    public static RouteGroupBuilder MapOutbox(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Outbox");
        group.MapPost("/clients/{clientId:long}/messages", Handle)
            .WithDescription("Sends a message to a client (a reply when inReplyToMessageId is given). Answers 202 once it is stored; the outbox sends it, retrying with backoff, "
                + "or at the time the provider asked for (state deferred). A refusal for good (an SMTP 5xx, such as an unknown recipient) fails it at once with the server's words, until retried. "
                + "With an idempotencyKey, a second call with the same key answers the first message.");
        group.MapGet("/messages/{messageId:long}/outbox", async Task<Results<Ok<OutboxView>, NotFound>> (long messageId, LiaisonDb db, CancellationToken ct) =>
            await Find(db, messageId, ct) is { } item ? TypedResults.Ok(await View(db, item, ct)) : TypedResults.NotFound());
        group.MapPost("/messages/{messageId:long}/outbox/retry", (long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, IClock clock, CancellationToken ct) =>
            Change(messageId, db, outbox, live, item => item.Retry(clock.GetCurrentInstant()), ct))
            .WithDescription("Queues a failed or cancelled message again, now.");
        group.MapPost("/messages/{messageId:long}/outbox/cancel", (long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, CancellationToken ct) =>
            Change(messageId, db, outbox, live, item => item.Cancel(), ct))
            .WithDescription("Withdraws a queued, deferred or failed message before it leaves; a scheduled one is withdrawn the same way.");
        group.MapPost("/messages/{messageId:long}/outbox/send-now", (long messageId, LiaisonDb db, OutboxSender outbox, LiveUpdates live, IClock clock, CancellationToken ct) =>
            Change(messageId, db, outbox, live, item => item.SendNow(clock.GetCurrentInstant()), ct))
            .WithDescription("Sends a scheduled message now instead of at its scheduled time.");
        group.MapGet("/clients/{clientId:long}/contact-time", async Task<Results<Ok<ContactTimeView>, NotFound>> (long clientId, LiaisonDb db, IClock clock, CancellationToken ct) =>
            await ContactTimeAsync(db, clientId, clock.GetCurrentInstant(), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithDescription("Whether the client may be written to now by their agreement's contact hours, and if not, their next contact hour: a reply written at 23:00 or on Sunday is offered to go out then.");
        return api;
    }

    public static async Task<Results<Accepted<OutboxView>, NotFound>> Handle(long clientId, Request request, OutboundQueue queue, CancellationToken ct)
    {
        var template = request.Template is { } t
            ? new Core.Outbound.OutboundTemplate(t.Name ?? "", t.Language ?? "", t.Parameters ?? [])
            : null;
        var sendAt = request.SendAt is null ? (Instant?)null : RequestValues.Instant(request.SendAt, "sendAt");
        var queued = await queue.QueueAsync(new QueueRequest(clientId, request.ChannelId, request.To, request.Subject, request.Text, request.InReplyToMessageId,
            IdempotencyKey: request.IdempotencyKey, Template: template, NotBefore: sendAt), ct);
        if (queued is null) return TypedResults.NotFound();
        return TypedResults.Accepted($"/api/messages/{queued.Message.Id}/outbox", OutboxView.From(queued.Item, queued.Message));
    }

    /// <summary>The client's contact time now under the agreement in force; null when there is no such client.</summary>
    public static async Task<ContactTimeView?> ContactTimeAsync(LiaisonDb db, long clientId, Instant now, CancellationToken ct)
    {
        var document = await Agreements.ClientAgreements.InForceAtAsync(db, clientId, now, now, ct);
        if (document is null) return null;
        var agreement = document.Terms;
        var next = Core.Outbound.ContactTime.NextContactHour(agreement, now);
        return new ContactTimeView(next is null, next, agreement.ClientTimeZone);
    }

    private static Task<OutboxItem?> Find(LiaisonDb db, long messageId, CancellationToken ct) =>
        db.Outbox().FirstOrDefaultAsync(o => o.MessageId == messageId, ct);

    private static async Task<OutboxView> View(LiaisonDb db, OutboxItem item, CancellationToken ct) =>
        OutboxView.From(item, await db.Messages.AsNoTracking().FirstAsync(m => m.Id == item.MessageId, ct));

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
