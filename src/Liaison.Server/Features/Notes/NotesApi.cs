using System.ComponentModel.DataAnnotations;
using Liaison.Core.Attachments;
using Liaison.Core.Channels;
using Liaison.Core.Notes;
using Liaison.Server.Data;
using Liaison.Server.Features.Attachments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Notes;

/// <summary>Notes: a call, a meeting or a pasted fragment dropped into a client's timeline in a few keystrokes.</summary>
public static class NotesApi
{
    /// <param name="Kind">call, meeting, fragment or note.</param>
    /// <param name="Source">the channel it happened on or came from (phone, viber, ...); defaults by kind.</param>
    /// <param name="OccurredAt">when it happened, ISO 8601; defaults to now.</param>
    public sealed record SaveNote([property: MaxLength(32)] string? Kind, [property: MaxLength(32)] string? Source, [property: MaxLength(Note.MaxTextLength)] string? Text, [property: MaxLength(64)] string? OccurredAt);

    /// <param name="EditedAt">when it was last edited; its earlier versions are at .../revisions.</param>
    public sealed record NoteView(long Id, long ClientId, string Kind, string Source, string Text, Instant OccurredAt, Instant RecordedAt, Instant? EditedAt = null)
    {
        public static NoteView From(Note n) => new(n.Id, n.ClientId, n.Kind.ToString().ToLowerInvariant(), n.Source.Value, n.Text, n.OccurredAt, n.RecordedAt, n.EditedAt);
    }

    /// <summary>How a note read before one edit.</summary>
    public sealed record RevisionView(string Text, Instant OccurredAt, Instant ReplacedAt, long? ReplacedByMemberId);

    /// <param name="ContentId">for an inline image of a mail: the name its HTML's <c>cid:</c> sources use.</param>
    public sealed record AttachmentView(long Id, string FileName, string ContentType, long Size, string Sha256, string Url, string? ContentId = null)
    {
        public static AttachmentView From(Attachment a) => new(a.Id, Core.Text.TextSafety.Shown(a.FileName), a.ContentType, a.Size, a.Sha256, $"/api/attachments/{a.Id}", a.ContentId);

        /// <summary>The same file for the owner's pages, which are signed in with the cookie.</summary>
        public string PageUrl => $"/files/{Id}";
    }

    public static RouteGroupBuilder MapNotes(this RouteGroupBuilder api)
    {
        var notes = api.MapGroup("/").WithTags("Notes");
        notes.MapPost("/clients/{clientId:long}/notes", (long clientId, SaveNote request, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
            Add(db, clientId, request, http.User.MemberId(), clock.GetCurrentInstant(), ct));
        notes.MapPut("/clients/{clientId:long}/notes/{noteId:long}", (long clientId, long noteId, SaveNote request, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
            Edit(clientId, noteId, request, db, http.User.MemberId(), clock.GetCurrentInstant(), ct))
            .WithDescription("Changes the note's text (and occurredAt when given); the earlier text is kept in its revisions.");
        notes.MapGet("/clients/{clientId:long}/notes/{noteId:long}/revisions", Revisions)
            .WithDescription("How the note read before each edit, newest first.");
        notes.MapDelete("/clients/{clientId:long}/notes/{noteId:long}", Delete);
        notes.MapPost("/clients/{clientId:long}/notes/{noteId:long}/attachments", AddAttachment).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(30_000_000)); // Kestrel's own default: files are bigger than API requests
        notes.MapGet("/attachments/{attachmentId:long}", Download).WithTags("Attachments");
        return api;
    }

    public static async Task<Results<Created<NoteView>, NotFound>> Add(LiaisonDb db, long clientId, SaveNote request, long? authorId, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return TypedResults.NotFound();
        var kind = request.Kind is null ? NoteKind.Note : RequestValues.Enum<NoteKind>(request.Kind, "kind");
        var source = request.Source is null ? Note.DefaultSource(kind) : RequestValues.Kind(request.Source, "source");
        var occurredAt = request.OccurredAt is null ? now : RequestValues.Instant(request.OccurredAt, "occurredAt");
        var note = new Note(clientId, kind, source, request.Text!, occurredAt, now, authorId);
        db.Notes.Add(note);
        client.RecordActivity(occurredAt);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/clients/{clientId}/notes/{note.Id}", NoteView.From(note));
    }

    public static async Task<Results<Ok<NoteView>, NotFound>> Edit(long clientId, long noteId, SaveNote request, LiaisonDb db, long? memberId, Instant now, CancellationToken ct)
    {
        var note = await db.Notes.FirstOrDefaultAsync(n => n.Id == noteId && n.ClientId == clientId, ct);
        if (note is null) return TypedResults.NotFound();
        if (note.Edit(request.Text!, request.OccurredAt is null ? note.OccurredAt : RequestValues.Instant(request.OccurredAt, "occurredAt"), now, memberId) is { } before)
            db.NoteRevisions.Add(before);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NoteView.From(note));
    }

    public static async Task<Results<Ok<List<RevisionView>>, NotFound>> Revisions(long clientId, long noteId, LiaisonDb db, CancellationToken ct)
    {
        if (!await db.Notes.AnyAsync(n => n.Id == noteId && n.ClientId == clientId, ct)) return TypedResults.NotFound();
        var rows = await db.NoteRevisions.AsNoTracking().Where(r => r.NoteId == noteId).OrderByDescending(r => r.ReplacedAt).ThenByDescending(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new RevisionView(r.Text, r.OccurredAt, r.ReplacedAt, r.ReplacedByMemberId)).ToList());
    }

    public static async Task<Results<NoContent, NotFound>> Delete(long clientId, long noteId, LiaisonDb db, CancellationToken ct)
    {
        var deleted = await db.Notes.Where(n => n.Id == noteId && n.ClientId == clientId).ExecuteDeleteAsync(ct);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    public static async Task<Results<Created<AttachmentView>, NotFound, BadRequest<string>>> AddAttachment(
        long clientId, long noteId, IFormFile file, LiaisonDb db, AttachmentStore store, IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct)
    {
        if (!await db.Notes.AnyAsync(n => n.Id == noteId && n.ClientId == clientId, ct)) return TypedResults.NotFound();
        await using var content = file.OpenReadStream();
        var stored = await store.SaveAsync(content, options.Value.MaxAttachmentBytes, ct);
        var attachment = Attachment.ForNote(noteId, stored.Sha256, stored.Size, file.FileName, file.ContentType, clock.GetCurrentInstant());
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/attachments/{attachment.Id}", AttachmentView.From(attachment));
    }

    public static async Task<Results<FileStreamHttpResult, NotFound>> Download(long attachmentId, LiaisonDb db, AttachmentStore store, CancellationToken ct)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, ct);
        if (attachment is null || store.Open(attachment.Sha256) is not { } stream) return TypedResults.NotFound();
        // A name stored before bidi controls were removed on the way in must not reach the browser's save dialog with them.
        return TypedResults.File(stream, attachment.ContentType, Core.Text.TextSafety.FileName(attachment.FileName), enableRangeProcessing: true);
    }
}
