using Liaison.Server.Data;
using Liaison.Server.Features.Attachments;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Features.Clients;

/// <summary>
/// What "delete for good" removes besides the client's rows: the raw deliveries its messages were
/// made from (rows, in-row payloads and payload files), attachment bytes nobody else refers to, and
/// its export files. Content-addressed files are shared (the same PDF sent by two clients is stored
/// once), so a file goes only when no attachment and no delivery refers to it any more.
/// </summary>
public static class ClientErasure
{
    private const int Chunk = 500;

    /// <summary>What to remove with the client, read before its rows are deleted.</summary>
    public sealed record Plan(IReadOnlyList<long> DeliveryIds, IReadOnlyList<(long ChannelId, string ProviderMessageId)> Messages, IReadOnlySet<string> Files);

    public static async Task<Plan> PlanAsync(LiaisonDb db, long clientId, CancellationToken ct)
    {
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ClientId == clientId && m.ProviderMessageId != null)
            .Select(m => new { m.ChannelId, ProviderMessageId = m.ProviderMessageId! })
            .ToListAsync(ct);
        var ours = messages.Select(m => (m.ChannelId, m.ProviderMessageId)).ToHashSet();
        var channels = ours.Select(m => m.ChannelId).Distinct().ToList();
        var deliveries = await db.InboundDeliveries.AsNoTracking()
            .Where(d => channels.Contains(d.ChannelId))
            .Select(d => new { d.Id, d.ChannelId, d.Key, d.PayloadSha256 })
            .ToListAsync(ct);
        // A delivery that carried any of the client's messages (or a status of one) holds its words.
        var theirs = deliveries.Where(d => ProviderIdsIn(d.Key).Any(id => ours.Contains((d.ChannelId, id)))).ToList();
        var files = await db.Attachments.AsNoTracking()
            .Where(a => db.Messages.Any(m => m.Id == a.MessageId && m.ClientId == clientId) || db.Notes.Any(n => n.Id == a.NoteId && n.ClientId == clientId))
            .Select(a => a.Sha256).Distinct().ToListAsync(ct);
        return new Plan(theirs.Select(d => d.Id).ToList(), ours.ToList(),
            files.Concat(theirs.Where(d => d.PayloadSha256 is not null).Select(d => d.PayloadSha256!)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// The provider message ids a delivery key names: an e-mail's "mid:&lt;Message-ID&gt;"
    /// (EmailAdapter.DeliveryKeyFor), WhatsApp's "m:&lt;wamid&gt;;" and "s:&lt;wamid&gt;:&lt;status&gt;;"
    /// (WhatsAppAdapter.Identify). A key made from the content hash names none.
    /// </summary>
    public static IEnumerable<string> ProviderIdsIn(string key)
    {
        if (key.StartsWith("mid:", StringComparison.Ordinal))
        {
            yield return key[4..];
            yield break;
        }
        foreach (var part in key.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("m:", StringComparison.Ordinal)) yield return part[2..];
            else if (part.StartsWith("s:", StringComparison.Ordinal) && part.LastIndexOf(':') is var end and > 2) yield return part[2..end];
        }
    }

    /// <summary>Deletes the planned deliveries and the edit events waiting for the client's messages; inside the caller's transaction.</summary>
    public static async Task DeleteRowsAsync(LiaisonDb db, Plan plan, CancellationToken ct)
    {
        foreach (var ids in plan.DeliveryIds.Chunk(Chunk))
        {
            await db.InboundPayloads.Where(p => ids.Contains(p.DeliveryId)).ExecuteDeleteAsync(ct);
            await db.InboundDeliveries.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(ct);
        }
        foreach (var channel in plan.Messages.GroupBy(m => m.ChannelId))
            foreach (var ids in channel.Select(m => m.ProviderMessageId).Chunk(Chunk))
                await db.MessageEvents.Where(e => e.ChannelId == channel.Key && ids.Contains(e.ProviderMessageId)).ExecuteDeleteAsync(ct);
    }

    /// <summary>After the commit: removes the planned files no remaining row refers to, and the client's export files.</summary>
    public static async Task DeleteFilesAsync(LiaisonDb db, Microsoft.Extensions.Options.IOptions<LiaisonOptions> options, long clientId, Plan plan, CancellationToken ct)
    {
        var store = new AttachmentStore(options);
        foreach (var shas in plan.Files.Chunk(Chunk))
        {
            var kept = await db.Attachments.Where(a => shas.Contains(a.Sha256)).Select(a => a.Sha256)
                .Concat(db.InboundDeliveries.Where(d => d.PayloadSha256 != null && shas.Contains(d.PayloadSha256)).Select(d => d.PayloadSha256!))
                .Distinct().ToListAsync(ct);
            foreach (var sha in shas.Except(kept, StringComparer.Ordinal)) store.Delete(sha);
        }
        var exports = Path.Combine(options.Value.FullDataDirectory, "exports");
        if (Directory.Exists(exports))
            foreach (var file in Directory.EnumerateFiles(exports, $"client-{clientId}-*.json")) File.Delete(file);
    }
}
