using Liaison.Core.Messages;
using Liaison.Core.Timeline;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Timeline;

/// <summary>One timeline per client: messages of every channel and notes, newest first, keyset-paged.</summary>
public static class TimelineApi
{
    /// <param name="Type">message or note.</param>
    /// <param name="Channel">the channel kind: email, telegram, phone, viber...</param>
    /// <param name="Direction">inbound or outbound for messages; null for notes.</param>
    /// <param name="NoteKind">call, meeting, fragment or note, for notes.</param>
    /// <param name="EditedAt">when the sender last edited the message; null if never (and for notes).</param>
    /// <param name="DeletedAt">when the sender deleted the message on their side; its text is kept here.</param>
    /// <param name="DeliveryState">sent, delivered, read or failed, for outbound messages whose channel reports it.</param>
    /// <param name="OutboxState">queued, sending, sent, failed, deferred or cancelled, for messages sent from Liaison.</param>
    /// <param name="NextAttemptAt">when the outbox tries a queued, deferred or failed message (again); null when it waits for the owner's Retry.</param>
    /// <param name="Html">the sanitised HTML of a mail that had it: no scripts, forms or remote loads (remote images wait in data-blocked-src); inline images as cid: sources matching the attachments' contentId.</param>
    /// <param name="LastError">the provider's words about the last failed send (or a warning after a send).</param>
    /// <param name="Attachments">the first <see cref="AttachmentsShown"/> attachments; all of them at GET /api/messages/{id}/attachments.</param>
    /// <param name="AttachmentCount">how many attachments are stored with it.</param>
    /// <param name="AttachmentsLeftOut">attachments of the mail past the cap per message, counted and not extracted; the raw mail is kept.</param>
    /// <param name="FormattingWithheld">the sender's HTML was too large or complex to show safely: shown as text.</param>
    /// <param name="PendingAttachments">attachments that arrived by reference (a WhatsApp photo) still being fetched from the channel, or that could not be; null when none.</param>
    /// <param name="ScheduledFor">a scheduled send waiting for its instant (the client's next contact hour); cancellable, or sent now.</param>
    /// <param name="Purpose">for messages sent from Liaison: person, or acknowledgement (the automatic "received, the answer comes by …"), report, reminder.</param>
    /// <param name="Backfill">history recorded after the fact (a mailbox's initial sync, an import, the API with backfill), not live; never for notes.</param>
    public sealed record TimelineItem(
        string Type, long Id, Instant At, string Channel, string? Direction, string? NoteKind,
        string? Subject, string Text, string? From, bool NeedsAnswer, IReadOnlyList<Notes.NotesApi.AttachmentView> Attachments,
        Instant? EditedAt = null, Instant? DeletedAt = null, string? DeliveryState = null, string? OutboxState = null, string? LastError = null,
        string? Html = null, int AttachmentCount = 0, int AttachmentsLeftOut = 0, bool FormattingWithheld = false, bool Backfill = false,
        Instant? NextAttemptAt = null,
        IReadOnlyList<Attachments.AttachmentServices.PendingAttachmentView>? PendingAttachments = null,
        Instant? ScheduledFor = null, string? Purpose = null);

    /// <summary>Attachments carried in a timeline item; a mail of 20,000 parts made a 4.5 MB page when all came along.</summary>
    public const int AttachmentsShown = 10;

    public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, string? NextCursor);

    public static RouteGroupBuilder MapTimeline(this RouteGroupBuilder api)
    {
        api.MapGet("/clients/{clientId:long}/timeline", async Task<Results<Ok<TimelinePage>, NotFound>> (long clientId, string? before, int? limit, LiaisonDb db, CancellationToken ct) =>
            await db.Clients.AnyAsync(c => c.Id == clientId, ct)
                ? TypedResults.Ok(await Page(db, clientId, before is null ? null : TimelineCursor.Decode(before), RequestValues.Limit(limit, 50, 200), ct))
                : TypedResults.NotFound())
            .WithTags("Timeline")
            .WithDescription("Newest first. Pass the page's nextCursor as 'before' for the next page; nextCursor is null on the last page.");
        api.MapGet("/messages/{messageId:long}/attachments", async Task<Results<Ok<IReadOnlyList<Notes.NotesApi.AttachmentView>>, NotFound>> (long messageId, LiaisonDb db, CancellationToken ct) =>
            await db.Messages.AnyAsync(m => m.Id == messageId, ct)
                ? TypedResults.Ok(await AttachmentsOf(db, messageId, ct))
                : TypedResults.NotFound())
            .WithTags("Timeline")
            .WithDescription("Every attachment of a message, in the order they came; the timeline carries the first few and the count.");
        return api;
    }

    /// <summary>
    /// Seeks up to <paramref name="limit"/> items from each table below the cursor (each an index range
    /// scan), merges them, and keeps the first <paramref name="limit"/>. Ties at one instant are broken
    /// by (kind, id), the order <see cref="TimelineCursor"/> defines.
    /// </summary>
    public static async Task<TimelinePage> Page(LiaisonDb db, long clientId, TimelineCursor? before, int limit, CancellationToken ct)
    {
        var messages = db.Messages.AsNoTracking().Where(m => m.ClientId == clientId);
        var notes = db.Notes.AsNoTracking().Where(n => n.ClientId == clientId);
        if (before is { } c)
        {
            messages = c.Kind == TimelineItemKind.Message
                ? messages.Where(m => m.OccurredAt < c.At || (m.OccurredAt == c.At && m.Id < c.Id))
                : messages.Where(m => m.OccurredAt < c.At);
            notes = c.Kind == TimelineItemKind.Note
                ? notes.Where(n => n.OccurredAt < c.At || (n.OccurredAt == c.At && n.Id < c.Id))
                : notes.Where(n => n.OccurredAt <= c.At);
        }
        var messageRows = await messages.OrderByDescending(m => m.OccurredAt).ThenByDescending(m => m.Id).Take(limit + 1)
            .Select(m => new
            {
                m.Id, m.OccurredAt, m.ChannelKind, m.Direction, m.Subject, m.Text, m.Html, m.CounterpartAddress, m.NeedsAnswer, m.EditedAt, m.DeletedAt, m.DeliveryState,
                m.FormattingWithheld, m.AttachmentsLeftOut, m.IsBackfill,
                Contact = db.Contacts.Where(x => x.Id == m.ContactId).Select(x => x.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var noteRows = await notes.OrderByDescending(n => n.OccurredAt).ThenByDescending(n => n.Id).Take(limit + 1).ToListAsync(ct);

        var merged = messageRows
            .Select(m => (Cursor: new TimelineCursor(m.OccurredAt, TimelineItemKind.Message, m.Id),
                Item: new TimelineItem("message", m.Id, m.OccurredAt, m.ChannelKind.Value, m.Direction == MessageDirection.Inbound ? "inbound" : "outbound",
                    null, m.Subject, m.Text, m.Contact ?? m.CounterpartAddress, m.NeedsAnswer, [],
                    m.EditedAt, m.DeletedAt, m.DeliveryState?.ToString().ToLowerInvariant(), Html: m.Html,
                    AttachmentsLeftOut: m.AttachmentsLeftOut, FormattingWithheld: m.FormattingWithheld, Backfill: m.IsBackfill)))
            .Concat(noteRows.Select(n => (Cursor: new TimelineCursor(n.OccurredAt, TimelineItemKind.Note, n.Id),
                Item: new TimelineItem("note", n.Id, n.OccurredAt, n.Source.Value, null, n.Kind.ToString().ToLowerInvariant(), null, n.Text, null, false, [], EditedAt: n.EditedAt))))
            .OrderByDescending(x => x.Cursor.At).ThenByDescending(x => x.Cursor.Kind).ThenByDescending(x => x.Cursor.Id)
            .ToList();
        var page = merged.Take(limit).ToList();
        var items = await Outbox.OutboxServices.WithOutbox(db, await WithAttachments(db, page.Select(p => p.Item).ToList(), ct), ct);
        items = await Attachments.AttachmentServices.WithPendingAttachments(db, items, ct);
        var next = merged.Count > limit ? page[^1].Cursor.Encode() : null;
        return new TimelinePage(items, next);
    }

    /// <summary>Every attachment of one message, in the order they came.</summary>
    public static Task<IReadOnlyList<Notes.NotesApi.AttachmentView>> AttachmentsOf(LiaisonDb db, long messageId, CancellationToken ct) =>
        AttachmentsOf(db, "message", messageId, ct);

    /// <summary>Every attachment of one timeline item (a message or a note), in the order they came.</summary>
    public static async Task<IReadOnlyList<Notes.NotesApi.AttachmentView>> AttachmentsOf(LiaisonDb db, string type, long id, CancellationToken ct)
    {
        var ofItem = type == "message" ? db.Attachments.Where(a => a.MessageId == id) : db.Attachments.Where(a => a.NoteId == id);
        return (await ofItem.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct)).Select(Notes.NotesApi.AttachmentView.From).ToList();
    }

    /// <summary>
    /// Each item's attachment count and first <see cref="AttachmentsShown"/> attachments: one query
    /// for the counts, one for the items with few, one per item with more (rare).
    /// </summary>
    private static async Task<List<TimelineItem>> WithAttachments(LiaisonDb db, List<TimelineItem> items, CancellationToken ct)
    {
        if (items.Count == 0) return items;
        var messageIds = items.Where(i => i.Type == "message").Select(i => (long?)i.Id).ToList();
        var noteIds = items.Where(i => i.Type == "note").Select(i => (long?)i.Id).ToList();
        var ofItems = db.Attachments.AsNoTracking().Where(a => messageIds.Contains(a.MessageId) || noteIds.Contains(a.NoteId));
        var counts = (await ofItems.GroupBy(a => new { a.MessageId, a.NoteId }).Select(g => new { g.Key.MessageId, g.Key.NoteId, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(c => c.MessageId is { } m ? ("message", m) : ("note", c.NoteId!.Value), c => c.Count);
        if (counts.Count == 0) return items;
        var few = counts.Where(c => c.Value <= AttachmentsShown).Select(c => c.Key).ToList();
        var fewMessages = few.Where(k => k.Item1 == "message").Select(k => (long?)k.Item2).ToList();
        var fewNotes = few.Where(k => k.Item1 == "note").Select(k => (long?)k.Item2).ToList();
        var shown = few.Count == 0 ? [] : await db.Attachments.AsNoTracking()
            .Where(a => fewMessages.Contains(a.MessageId) || fewNotes.Contains(a.NoteId)).OrderBy(a => a.Id).ToListAsync(ct);
        foreach (var (kind, id) in counts.Where(c => c.Value > AttachmentsShown).Select(c => c.Key))
        {
            var ofItem = kind == "message" ? db.Attachments.Where(a => a.MessageId == id) : db.Attachments.Where(a => a.NoteId == id);
            shown.AddRange(await ofItem.AsNoTracking().OrderBy(a => a.Id).Take(AttachmentsShown).ToListAsync(ct));
        }
        return items.Select(i => i with
        {
            Attachments = shown.Where(a => i.Type == "message" ? a.MessageId == i.Id : a.NoteId == i.Id).Select(Notes.NotesApi.AttachmentView.From).ToList(),
            AttachmentCount = counts.GetValueOrDefault((i.Type, i.Id)),
        }).ToList();
    }
}
