using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Core.Channels;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Liaison.Server.Features.Clients;

/// <summary>Everything stored about one client, as one JSON document: what "export before delete" keeps.</summary>
public sealed record ClientExport(
    Instant ExportedAt,
    ClientView Client,
    IReadOnlyList<ClientExport.MessageRecord> Messages,
    IReadOnlyList<ClientExport.NoteRecord> Notes,
    IReadOnlyList<ClientExport.AttachmentRecord> Attachments)
{
    public sealed record MessageRecord(long Id, long? ContactId, long? ConversationId, string Channel, string Direction, string Counterpart,
        string? Subject, string Text, string? Html, Instant OccurredAt, Instant RecordedAt, string? ProviderMessageId);

    public sealed record NoteRecord(long Id, string Kind, string Source, string Text, Instant OccurredAt, Instant RecordedAt);

    public sealed record AttachmentRecord(long Id, long? MessageId, long? NoteId, string FileName, string ContentType, long Size, string Sha256);

    internal static readonly JsonSerializerOptions FileJson = new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static async Task<ClientExport?> BuildAsync(LiaisonDb db, ChannelDescriptors channels, long clientId, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return null;
        var contacts = await db.Contacts.AsNoTracking().Include(c => c.Identities).Where(c => c.ClientId == clientId).ToListAsync(ct);
        var messages = await db.Messages.AsNoTracking().Where(m => m.ClientId == clientId).OrderBy(m => m.OccurredAt).ThenBy(m => m.Id).ToListAsync(ct);
        var notes = await db.Notes.AsNoTracking().Where(n => n.ClientId == clientId).OrderBy(n => n.OccurredAt).ThenBy(n => n.Id).ToListAsync(ct);
        var attachments = await db.Attachments.AsNoTracking()
            .Where(a => db.Messages.Any(m => m.Id == a.MessageId && m.ClientId == clientId) || db.Notes.Any(n => n.Id == a.NoteId && n.ClientId == clientId))
            .ToListAsync(ct);
        return new ClientExport(
            now,
            ClientView.From(client, contacts, channels),
            messages.Select(m => new MessageRecord(m.Id, m.ContactId, m.ConversationId, m.ChannelKind.Value, m.Direction.ToString().ToLowerInvariant(),
                m.CounterpartAddress, m.Subject, m.Text, m.Html, m.OccurredAt, m.RecordedAt, m.ProviderMessageId)).ToList(),
            notes.Select(n => new NoteRecord(n.Id, n.Kind.ToString().ToLowerInvariant(), n.Source.Value, n.Text, n.OccurredAt, n.RecordedAt)).ToList(),
            attachments.Select(a => new AttachmentRecord(a.Id, a.MessageId, a.NoteId, a.FileName, a.ContentType, a.Size, a.Sha256)).ToList());
    }
}
