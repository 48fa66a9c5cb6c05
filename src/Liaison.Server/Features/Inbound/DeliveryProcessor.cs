using System.Text.Json;
using Liaison.Core;
using Liaison.Core.Attachments;
using Liaison.Core.Identities;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Turns stored deliveries into messages, in the background: claims due deliveries (a lease, so
/// several instances share the work), asks the channel's adapter what each says, and records it in
/// one transaction with the delivery marked done. A failure is retried with backoff; a payload the
/// adapter can't understand is kept and shown on the Undelivered page. Nothing is ever dropped.
/// </summary>
public sealed class DeliveryProcessor(
    IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, AttachmentStore attachments, DeliveryProcessingSignal signal, DeliveryWriter writer, WriteTurns turns,
    LiveUpdates live, IClock clock, IOptions<LiaisonOptions> options, ILogger<DeliveryProcessor> log) : BackgroundService
{
    // Long enough for one claimed batch; short, because a crashed instance's claims wait this long for another.
    private static readonly Duration Lease = Duration.FromSeconds(10);
    // Small while deliveries stream in: on SQLite a batch is one write turn, and webhook requests wait for the turn to pass.
    private const int BusyBatchSize = 16;
    // Once the writer is quiet, a backlog (a mailbox's initial sync) is worked off with a quarter of the
    // commits: 136 -> 265 mails/s processed on SQLite (bench imap-sync, 3,000 mails).
    private const int QuietBatchSize = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Inbound.Process) return;
        DeliveryStore? store = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (store is null)
                {
                    store = await DeliveryStore.OpenAsync(options.Value, stoppingToken);
                    await store.ReleaseOrphanedLeasesAsync(stoppingToken);
                }
                var batchSize = await writer.WaitWhileBusyAsync(TimeSpan.FromSeconds(1), stoppingToken) ? QuietBatchSize : BusyBatchSize;
                var now = clock.GetCurrentInstant();
                List<long> claimed;
                using (await turns.TakeAsync(stoppingToken))
                    claimed = await store.ClaimAsync(now, now + Lease, batchSize, stoppingToken);
                if (claimed.Count > 0) await ProcessBatchAsync(claimed, stoppingToken);
                // A full batch means more are waiting; otherwise sleep until new ones commit, or a retry falls due.
                if (claimed.Count < batchSize) await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogError(e, "Delivery processing loop failed; retrying shortly");
                if (store is not null) await store.DisposeAsync();
                store = null;
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        if (store is not null) await store.DisposeAsync();
    }

    /// <summary>
    /// Processes claimed deliveries in one transaction: one commit for the lot instead of one each.
    /// A delivery its adapter can't read is set aside as failed at once; if the transaction fails,
    /// each delivery is tried on its own, so one bad delivery only holds up itself.
    /// </summary>
    public async Task ProcessBatchAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var failure = await TryTogetherAsync(ids, ct);
        if (failure is null) return;
        if (ids.Count == 1)
        {
            await RecordFailureAsync(ids[0], failure.Message, failure is DomainRuleException, ct);
            return;
        }
        log.LogInformation("A batch of {Count} deliveries failed together ({Error}); processing them one by one", ids.Count, failure.Message);
        foreach (var id in ids) await ProcessBatchAsync([id], ct);
    }

    /// <summary>Processes one stored delivery now; the Retry button and tests take the same path as the loop.</summary>
    public Task ProcessAsync(long deliveryId, CancellationToken ct) => ProcessBatchAsync([deliveryId], ct);

    /// <summary>Applies the pending ones of <paramref name="ids"/> in one transaction; returns what failed it, or null.</summary>
    private async Task<Exception?> TryTogetherAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var touched = new HashSet<long>();
        var unknownChanged = false;
        // Open until the transaction ends: large attachments are copied out of them while it runs.
        var payloads = new List<Stream>();
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var deliveries = await db.InboundDeliveries.AsNoTracking()
                .Where(d => ids.Contains(d.Id) && d.State == DeliveryProcessing.Pending).OrderBy(d => d.Id).ToListAsync(ct);
            var readable = new List<(long DeliveryId, ChannelDirectory.Entry Channel, IReadOnlyList<InboundItem> Items)>();
            var channels = new List<ChannelDirectory.Entry>();
            foreach (var delivery in deliveries)
            {
                channels.Add(await directory.FindAsync(delivery.ChannelId, ct));
                payloads.Add(OpenPayload(delivery));
            }
            // Parsing (MIME, HTML sanitising) is CPU work without the database: on every core, before the write turn.
            var reads = await Task.WhenAll(deliveries.Select((delivery, i) => Task.Run(() => Read(delivery, payloads[i], channels[i]), ct)));
            for (var i = 0; i < deliveries.Count; i++)
            {
                var (items, unreadable) = reads[i];
                if (items is not null) readable.Add((deliveries[i].Id, channels[i], items));
                else await RecordFailureAsync(deliveries[i].Id, unreadable!, permanent: true, ct);
            }
            using var turn = await turns.TakeAsync(ct);
            await db.InTransactionAsync(async () =>
            {
                var readableIds = readable.Select(r => r.DeliveryId).ToList();
                var tracked = await db.InboundDeliveries.Where(d => readableIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
                foreach (var (deliveryId, channel, items) in readable)
                {
                    foreach (var item in items)
                    {
                        var (clientId, unknown) = await ApplyAsync(db, channel, item, ct);
                        if (clientId is { } c) touched.Add(c);
                        unknownChanged |= unknown;
                    }
                    tracked[deliveryId].MarkProcessed(clock.GetCurrentInstant());
                }
                return true;
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
        finally
        {
            foreach (var payload in payloads) await payload.DisposeAsync();
        }
        foreach (var clientId in touched) live.PublishTimeline(clientId);
        if (unknownChanged) live.PublishUnknownSenders();
        return null;
    }

    /// <summary>The stored payload: the row's bytes, or the file a large delivery was streamed to.</summary>
    private Stream OpenPayload(InboundDelivery delivery) =>
        delivery.PayloadSha256 is { } sha
            ? attachments.Open(sha) ?? throw new FileNotFoundException($"The payload of delivery {delivery.Id} ({sha}) is missing from the data directory.")
            : new MemoryStream(delivery.Payload, writable: false);

    /// <summary>What the delivery says, or why its adapter can't tell: retrying won't change that, so it is not retried.</summary>
    private static (IReadOnlyList<InboundItem>? Items, string? Unreadable) Read(InboundDelivery delivery, Stream payload, ChannelDirectory.Entry channel)
    {
        if (channel.Adapter is null) return (null, $"Channel {delivery.ChannelId} has no adapter for its kind.");
        try { return (delivery.PayloadSha256 is null ? channel.Adapter.Parse(delivery.Payload, channel.Settings) : channel.Adapter.Parse(payload, channel.Settings), null); }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or DomainRuleException)
        {
            return (null, $"The {channel.Adapter.Kind} adapter could not read this delivery: {e.Message}");
        }
    }

    private async Task RecordFailureAsync(long deliveryId, string error, bool permanent, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var delivery = await db.InboundDeliveries.FirstAsync(d => d.Id == deliveryId, ct);
        using var turn = await turns.TakeAsync(ct);
        delivery.MarkFailed(clock.GetCurrentInstant(), error, permanent, options.Value.Inbound.MaxAttempts);
        await db.SaveChangesAsync(ct);
        log.LogWarning("Delivery {DeliveryId} failed (attempt {Attempt}, {State}): {Error}", deliveryId, delivery.Attempts, delivery.State, error);
        if (delivery.State == DeliveryProcessing.Failed) live.PublishUndelivered();
    }

    private async Task<(long? ClientId, bool UnknownChanged)> ApplyAsync(LiaisonDb db, ChannelDirectory.Entry channel, InboundItem item, CancellationToken ct)
    {
        var kind = channel.Adapter!.Kind;
        var now = clock.GetCurrentInstant();
        switch (item)
        {
            case InboundMessage m:
                // One message can come in two deliveries (a provider's retry with new ids, a mail in INBOX
                // and in Sent): the provider's message id keeps it to one.
                if (await db.Messages.AnyAsync(x => x.ChannelId == channel.ChannelId && x.ProviderMessageId == m.ProviderMessageId, ct))
                    return (null, false);
                var address = IdentityAddress.Normalize(kind, m.CounterpartAddress, options.Value.DefaultPhoneRegion);
                var recorded = await RecordMessage.RecordAsync(db, new RecordMessage.Incoming(
                    kind, m.Direction, address, m.CounterpartName, m.Text, m.At, m.Subject, m.Html, m.ThreadKey, m.ProviderMessageId,
                    channel.ChannelId, m.IsAutomated), now, ct);
                foreach (var attachment in m.Attachments ?? [])
                {
                    AttachmentStore.Stored stored;
                    if (attachment.Content is { } content)
                    {
                        await using var stream = new MemoryStream(content.ToArray(), writable: false);
                        stored = await attachments.SaveAsync(stream, options.Value.MaxAttachmentBytes, ct);
                    }
                    else if (attachment.CopyTo is { } copy)
                    {
                        stored = await attachments.SaveAsync(copy, options.Value.MaxAttachmentBytes, ct);
                    }
                    else continue; // provider media (a WhatsApp image) are fetched by the channel, later
                    db.Attachments.Add(Attachment.ForMessage(recorded.Id, stored.Sha256, stored.Size, attachment.FileName, attachment.ContentType, now, attachment.ContentId));
                }
                return (recorded.ClientId, recorded.UnknownSenderId is not null);

            case InboundEdit edit:
                var edited = await FindMessage(db, channel.ChannelId, edit.ProviderMessageId, ct);
                var previous = edited?.RecordEdit(edit.NewText, edit.At);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, edit.ProviderMessageId, edited?.Id, MessageEventKind.Edited, edit.At, previous ?? edit.NewText));
                return (edited?.ClientId, false);

            case InboundDeletion deletion:
                var deleted = await FindMessage(db, channel.ChannelId, deletion.ProviderMessageId, ct);
                deleted?.RecordDeletion(deletion.At);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, deletion.ProviderMessageId, deleted?.Id, MessageEventKind.Deleted, deletion.At, null));
                return (deleted?.ClientId, false);

            case InboundStatus status:
                var sent = await FindMessage(db, channel.ChannelId, status.ProviderMessageId, ct);
                sent?.RecordDeliveryState(status.State);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, status.ProviderMessageId, sent?.Id, MessageEvent.From(status.State), status.At, status.Error));
                return (sent?.ClientId, false);

            default:
                throw new FormatException($"Unknown inbound item {item.GetType().Name}.");
        }
    }

    private static Task<Core.Messages.Message?> FindMessage(LiaisonDb db, long channelId, string providerMessageId, CancellationToken ct) =>
        db.Messages.FirstOrDefaultAsync(x => x.ChannelId == channelId && x.ProviderMessageId == providerMessageId, ct);
}
