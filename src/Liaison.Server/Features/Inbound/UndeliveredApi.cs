using System.Text;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>Deliveries that could not be turned into messages: shown with their raw payload, retried on request.</summary>
public static class UndeliveredApi
{
    public sealed record UndeliveredView(long Id, long ChannelId, string Key, Instant ReceivedAt, string State, int Attempts, Instant NextAttemptAt, string? LastError, string Payload, int PayloadBytes);

    public static RouteGroupBuilder MapUndelivered(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/inbound").WithTags("Inbound");
        group.MapGet("/undelivered", (LiaisonDb db, CancellationToken ct) => List(db, ct))
            .WithDescription("Deliveries that failed, or are being retried after a failure, newest first, with their raw payload.");
        group.MapPost("/deliveries/{id:long}/retry", (long id, LiaisonDb db, DeliveryProcessor processor, Background.LeaseClock leases, LiveUpdates live, CancellationToken ct) =>
            Retry(db, processor, id, leases, live, ct));
        return api;
    }

    public static async Task<Ok<List<UndeliveredView>>> List(LiaisonDb db, CancellationToken ct)
    {
        var rows = await Undelivered(db).OrderByDescending(d => d.Id).Take(200).ToListAsync(ct);
        var ids = rows.Select(d => d.Id).ToList();
        var payloads = await db.InboundPayloads.AsNoTracking().Where(p => ids.Contains(p.DeliveryId)).ToDictionaryAsync(p => p.DeliveryId, p => p.Bytes, ct);
        return TypedResults.Ok(rows.Select(d => View(d, payloads.GetValueOrDefault(d.Id))).ToList());
    }

    /// <summary>How many deliveries are undelivered: the navigation's badge, without reading payloads.</summary>
    public static Task<int> CountAsync(LiaisonDb db, CancellationToken ct) => Undelivered(db).CountAsync(ct);

    private static IQueryable<InboundDelivery> Undelivered(LiaisonDb db) => db.InboundDeliveries.AsNoTracking()
        .Where(d => d.State == DeliveryProcessing.Failed || (d.State == DeliveryProcessing.Pending && d.LastError != null));

    /// <summary>Puts the delivery back in line and processes it at once, so the owner sees the outcome.</summary>
    /// <param name="leases">the clock claims compare with: the delivery is due from its now.</param>
    public static async Task<Results<Ok<UndeliveredView>, NotFound>> Retry(LiaisonDb db, DeliveryProcessor processor, long id, Background.LeaseClock leases, LiveUpdates live, CancellationToken ct)
    {
        var delivery = await db.InboundDeliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (delivery is null) return TypedResults.NotFound();
        delivery.Retry(await leases.NowAsync(ct));
        await db.SaveChangesAsync(ct);
        await processor.ProcessAsync(id, ct);
        await db.Entry(delivery).ReloadAsync(ct);
        live.PublishUndelivered();
        var payload = await db.InboundPayloads.AsNoTracking().Where(p => p.DeliveryId == id).Select(p => p.Bytes).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(View(delivery, payload));
    }

    /// <param name="payload">the bytes kept in the database; null for a large delivery kept as a file.</param>
    private static UndeliveredView View(InboundDelivery d, byte[]? payload) =>
        new(d.Id, d.ChannelId, d.Key, d.ReceivedAt, d.State.ToString().ToLowerInvariant(), d.Attempts, d.NextAttemptAt, d.LastError,
            payload is null ? $"(a large delivery, kept as file {d.PayloadSha256})" : Preview(payload), payload?.Length ?? 0);

    /// <summary>The payload as text when it is text (webhooks are JSON), capped so a page stays light.</summary>
    public static string Preview(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, 64 * 1024));
        return payload.Length > 64 * 1024 ? text + "\n…" : text;
    }
}
