using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Attachments;
using Liaison.Core.Background;
using Liaison.Core.Identities;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Features.Background;
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
    IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, ChannelDescriptors channels, AttachmentStore attachments, [FromKeyedServices(DeliveryProcessor.Queue)] WakeSignal wake, [FromKeyedServices(MediaFetching.Queue)] WakeSignal mediaWake, DeliveryWriter writer,
    WriteTurns turns, LiveUpdates live, IClock clock, LeaseClock leases, TimeProvider time, IOptions<LiaisonOptions> options, IConfiguration configuration,
    ILogger<DeliveryProcessor> log) : QueueWorker(wake, time, log)
{
    /// <summary>The key of this queue's <see cref="WakeSignal"/>: the writer wakes it when deliveries are committed.</summary>
    public const string Queue = "deliveries";

    // Test-only, never documented: the real-server crash test stops the process on a marked message,
    // as a stack overflow in a parser would. Off unless a test sets it.
    private readonly string? crashOnText = configuration["Liaison:Testing:CrashOnText"] is { Length: > 0 } marker ? marker : null;

    // Long enough for one claimed batch; short, because a crashed instance's claims wait this long for another.
    private static readonly LeaseTerms Lease = new(Duration.FromSeconds(10));
    // Small while deliveries stream in: on SQLite a batch is one write turn, and webhook requests wait for the turn to pass.
    private const int BusyBatchSize = 16;
    // Once the writer is quiet, a backlog (a mailbox's initial sync) is worked off with a quarter of the
    // commits: 136 -> 265 mails/s processed on SQLite (bench imap-sync, 3,000 mails).
    private const int QuietBatchSize = 64;
    // A delivery still being read after this goes on alone, and the rest of its batch without it: one
    // hostile mail (30,000 nested elements took 42 s) must not hold up the normal ones read with it.
    // CPU time, so on the pacing clock (a test's fake clock standing still must not stop it).
    private static readonly TimeSpan ReadBudget = TimeSpan.FromSeconds(2);
    // Reading is CPU work on all but one core: one core is left to fetching mail and to the owner.
    private static int Readers => Math.Max(1, Environment.ProcessorCount - 1);
    /// <summary>
    /// Deliveries over their read budget, finishing on their own. The loop goes on beside as many as it
    /// has readers; beyond that it waits for one (a flood of hostile mail must not take every core).
    /// </summary>
    private readonly ConcurrentDictionary<long, Task> finishingAlone = new();

    private DeliveryStore? store;
    // A full batch read while the one before it is recorded: reading (MIME, sanitising, storing
    // attachments) needs no database, recording needs little CPU, so the two overlap.
    private PreparedBatch? ready;

    protected override bool Runs => options.Value.Inbound.Process;

    protected override async Task<bool> WorkAsync(CancellationToken stoppingToken)
    {
        if (store is null)
        {
            store = await DeliveryStore.OpenAsync(options.Value, stoppingToken);
            await store.ReleaseOrphanedLeasesAsync(await leases.NowAsync(stoppingToken), stoppingToken);
        }
        while (finishingAlone.Count > Readers) await Task.WhenAny(finishingAlone.Values);
        var batchSize = await writer.WaitWhileBusyAsync(TimeSpan.FromSeconds(1), stoppingToken) ? QuietBatchSize : BusyBatchSize;
        var now = await leases.NowAsync(stoppingToken);
        Claim claim;
        using (await turns.TakeAsync(stoppingToken))
            claim = await store.ClaimAsync(now, Lease.Until(now), batchSize, options.Value.Inbound.MaxCrashes, stoppingToken);
        var claimed = claim.Claimed;
        if (claim.SetAside.Count > 0)
        {
            log.LogError("Deliveries {DeliveryIds} stopped the server while being processed, {MaxCrashes} times each; set aside on the Undelivered page",
                claim.SetAside, options.Value.Inbound.MaxCrashes);
            live.PublishUndelivered();
        }
        var preparing = claimed.Count > 0 ? Task.Run(() => PrepareOrFailAsync(claimed, stoppingToken), stoppingToken) : null;
        if (ready is not null)
        {
            var recording = ready;
            ready = null;
            await RecordOrOneByOneAsync(recording, stoppingToken);
        }
        if (preparing is not null)
        {
            var (prepared, failure) = await preparing;
            if (prepared is null) await OneByOneAsync(claimed, failure!, stoppingToken);
            // A full batch means more are waiting: it is recorded while the next one is read.
            else if (claimed.Count == batchSize) ready = prepared;
            else await RecordOrOneByOneAsync(prepared, stoppingToken);
        }
        // Otherwise the loop sleeps until new ones commit, or a retry falls due. A claim cut short by a
        // delivery to be tried alone, or set aside, has more waiting behind it.
        return claimed.Count == batchSize || claim.SetAside.Count > 0 || await store.HasDueAsync(await leases.NowAsync(stoppingToken), stoppingToken);
    }

    /// <summary>The failed round's claims expire, or are released when the store is opened again.</summary>
    protected override async ValueTask AfterFailureAsync()
    {
        ready = null;
        if (store is not null) await store.DisposeAsync();
        store = null;
    }

    protected override async ValueTask StoppedAsync()
    {
        if (store is not null) await store.DisposeAsync();
        store = null;
    }

    /// <summary>
    /// Processes claimed deliveries in one transaction: one commit for the lot instead of one each.
    /// A delivery its adapter can't read is set aside as failed at once; if the transaction fails,
    /// each delivery is tried on its own, so one bad delivery only holds up itself.
    /// </summary>
    private async Task ProcessBatchAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var (prepared, failure) = await PrepareOrFailAsync(ids, ct);
        if (prepared is null) await OneByOneAsync(ids, failure!, ct);
        else await RecordOrOneByOneAsync(prepared, ct);
    }

    /// <summary>
    /// Processes one stored delivery now, the Retry button's path: its attempt counted first, as a
    /// claim would, then the same steps as the loop.
    /// </summary>
    public async Task ProcessAsync(long deliveryId, CancellationToken ct)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
        using (await turns.TakeAsync(ct))
            await db.InboundDeliveries.Where(d => d.Id == deliveryId).BeginAttemptAsync(Lease.Until(await leases.NowAsync(ct)), ct);
        await ProcessBatchAsync([deliveryId], ct);
        // The owner waits for the outcome, also of a delivery slow enough to finish alone.
        if (finishingAlone.TryGetValue(deliveryId, out var alone)) await alone;
    }

    private async Task RecordOrOneByOneAsync(PreparedBatch batch, CancellationToken ct)
    {
        try
        {
            await RecordAsync(batch, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await OneByOneAsync(batch.Ids, e, ct);
        }
    }

    private async Task OneByOneAsync(IReadOnlyList<long> ids, Exception failure, CancellationToken ct)
    {
        if (ids.Count == 1)
        {
            await RecordFailureAsync(ids[0], failure.Message, failure is DomainRuleException, ct);
            return;
        }
        log.LogInformation("A batch of {Count} deliveries failed together ({Error}); processing them one by one", ids.Count, failure.Message);
        foreach (var id in ids) await ProcessBatchAsync([id], ct);
    }

    /// <summary>Claimed deliveries read, their attachments stored: what remains is recording them, in one transaction.</summary>
    private sealed record PreparedBatch(IReadOnlyList<long> Ids, IReadOnlyList<(long DeliveryId, ChannelDirectory.Entry Channel, IReadOnlyList<ReadItem> Items)> Readable);

    private async Task<(PreparedBatch? Batch, Exception? Failure)> PrepareOrFailAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        try
        {
            return (await PrepareAsync(ids, ct), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, e);
        }
    }

    /// <summary>
    /// Reads the pending ones of <paramref name="ids"/> and stores their attachments — no database
    /// writes but marking unreadable deliveries failed. An attachment of a message that turns out to
    /// be a duplicate is the same content-addressed file the first copy stored. A delivery still being
    /// read after <see cref="ReadBudget"/> is left out of the batch and finishes alone.
    /// </summary>
    private async Task<PreparedBatch> PrepareAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var payloads = new List<Stream?>();
        try
        {
            List<InboundDelivery> deliveries;
            Dictionary<long, byte[]> inRows;
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                deliveries = await db.InboundDeliveries.AsNoTracking()
                    .Where(d => ids.Contains(d.Id) && d.State == DeliveryProcessing.Pending).OrderBy(d => d.Id).ToListAsync(ct);
                deliveries.RemoveAll(d => finishingAlone.ContainsKey(d.Id));
                var pendingIds = deliveries.Select(d => d.Id).ToList();
                inRows = await db.InboundPayloads.AsNoTracking().Where(p => pendingIds.Contains(p.DeliveryId)).ToDictionaryAsync(p => p.DeliveryId, p => p.Bytes, ct);
            }
            var channels = new List<ChannelDirectory.Entry>();
            foreach (var delivery in deliveries)
            {
                channels.Add(await directory.FindAsync(delivery.ChannelId, ct));
                payloads.Add(OpenPayload(delivery, inRows));
            }
            // A few readers, not one task per delivery: the HTML sanitiser's parser shares pools behind
            // locks, and 64 tasks on two cores spent a third of their time contending for them. A
            // delivery's attachments are written to disk while the next deliveries are parsed.
            using var readers = new SemaphoreSlim(Readers);
            var reads = new Task<(Task<IReadOnlyList<ReadItem>>? Stored, string? Unreadable)>[deliveries.Count];
            var settled = new Task[deliveries.Count];
            for (var i = 0; i < deliveries.Count; i++)
            {
                var (delivery, payload, channel) = (deliveries[i], payloads[i]!, channels[i]);
                var overBudget = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                reads[i] = Task.Run(async () =>
                {
                    await readers.WaitAsync(ct);
                    // Its reader slot goes to the next delivery when it finishes or runs over its budget, whichever comes first.
                    var released = 0;
                    void Release()
                    {
                        if (Interlocked.Exchange(ref released, 1) == 0) readers.Release();
                    }
                    await using var budget = Pacing.Clock.CreateTimer(_ =>
                    {
                        Release();
                        overBudget.TrySetResult();
                    }, null, ReadBudget, Timeout.InfiniteTimeSpan);
                    try
                    {
                        var (items, unreadable) = Read(delivery, payload, channel);
                        if (crashOnText is not null) CrashIfMarked(items);
                        return (items is null ? null : Task.Run(() => StoreAttachmentsAsync(items, delivery.IsBackfill, ct), ct), unreadable);
                    }
                    finally { Release(); }
                }, ct);
                settled[i] = Task.WhenAny(reads[i], overBudget.Task);
            }
            await Task.WhenAll(settled);
            var storing = new List<(long DeliveryId, ChannelDirectory.Entry Channel, Task<IReadOnlyList<ReadItem>> Items)>();
            for (var i = 0; i < deliveries.Count; i++)
            {
                var id = deliveries[i].Id;
                if (!reads[i].IsCompleted)
                {
                    var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    finishingAlone[id] = FinishAloneAsync(id, channels[i], reads[i], payloads[i]!, registered.Task, ct);
                    registered.SetResult();
                    payloads[i] = null; // it is still being read: disposed once it is done
                    continue;
                }
                if (reads[i].IsFaulted && reads[i].Exception!.InnerException is { } thrown and not OperationCanceledException)
                {
                    await RecordFailureAsync(id, thrown.Message, thrown is DomainRuleException, ct);
                    continue;
                }
                var (items, unreadable) = await reads[i];
                if (items is not null) storing.Add((id, channels[i], items));
                else await RecordFailureAsync(id, unreadable!, permanent: true, ct);
            }
            await Task.WhenAll(storing.Select(s => s.Items));
            var readable = storing.Select(s => (s.DeliveryId, s.Channel, s.Items.Result)).ToList();
            return new PreparedBatch(ids.Where(id => !finishingAlone.ContainsKey(id)).ToList(), readable);
        }
        finally
        {
            // Attachments were copied out of them above: large ones are read in place, not loaded.
            foreach (var payload in payloads)
                if (payload is not null) await payload.DisposeAsync();
        }
    }

    /// <summary>
    /// Finishes a delivery that ran over its read budget, recorded on its own. Its lease is renewed
    /// meanwhile, so no claim (of this instance or another) takes it a second time.
    /// </summary>
    private async Task FinishAloneAsync(long id, ChannelDirectory.Entry channel, Task<(Task<IReadOnlyList<ReadItem>>? Stored, string? Unreadable)> read, Stream payload,
        Task registered, CancellationToken ct)
    {
        await registered; // in finishingAlone before it can leave it
        log.LogWarning("Delivery {DeliveryId} takes more than {Budget} s to read; the rest of its batch goes ahead without it", id, ReadBudget.TotalSeconds);
        try
        {
            await Lease.KeepRenewedAsync(read, async renewing =>
            {
                var until = Lease.Until(await leases.NowAsync(renewing));
                await using var db = await dbs.CreateDbContextAsync(renewing);
                using (await turns.TakeAsync(renewing))
                    await db.InboundDeliveries.Where(d => d.Id == id && d.State == DeliveryProcessing.Pending)
                        .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseUntil, until), renewing);
            }, Time, ct);
            var (stored, unreadable) = await read;
            if (stored is null) await RecordFailureAsync(id, unreadable!, permanent: true, ct);
            else await RecordOrOneByOneAsync(new PreparedBatch([id], [(id, channel, await stored)]), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RecordFailureAsync(id, e.Message, e is DomainRuleException, ct);
        }
        finally
        {
            finishingAlone.TryRemove(id, out _);
            _ = read.ContinueWith(_ => payload.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Records a prepared batch in one transaction, then tells open pages what changed.</summary>
    private async Task RecordAsync(PreparedBatch batch, CancellationToken ct)
    {
        var changes = new Changes();
        await using var db = await dbs.CreateDbContextAsync(ct);
        using (await turns.TakeAsync(ct))
        await using (await db.RelaxDurabilityAsync(ct))
        {
            await db.InTransactionAsync(async () =>
            {
                // Messages are recorded a run at a time; an edit, deletion or status is applied in its
                // place, after the messages before it (it may be about one of them).
                var run = new List<(ChannelDirectory.Entry Channel, ReadItem Item)>();
                foreach (var (_, channel, items) in batch.Readable)
                {
                    foreach (var item in items)
                    {
                        if (item.Item is InboundMessage) run.Add((channel, item));
                        else
                        {
                            await RecordMessagesAsync(db, run, changes, ct);
                            run.Clear();
                            changes.Touched(await ApplyAsync(db, channel, item.Item, ct));
                        }
                    }
                }
                await RecordMessagesAsync(db, run, changes, ct);
                var readableIds = batch.Readable.Select(r => r.DeliveryId).ToList();
                await db.InboundDeliveries.Where(d => readableIds.Contains(d.Id)).MarkProcessedAsync(clock.GetCurrentInstant(), ct);
                return true;
            }, ct);
        }
        foreach (var clientId in changes.Clients) live.PublishTimeline(clientId);
        if (changes.UnknownSenders) live.PublishUnknownSenders();
        if (changes.MediaPending) mediaWake.Wake();
    }

    /// <summary>What a batch changed, for the live updates sent once it committed.</summary>
    private sealed class Changes
    {
        public HashSet<long> Clients { get; } = [];
        public bool UnknownSenders { get; set; }
        /// <summary>Attachments arrived by reference and wait to be fetched.</summary>
        public bool MediaPending { get; set; }

        public void Touched(long? clientId)
        {
            if (clientId is { } id) Clients.Add(id);
        }
    }

    /// <summary>An item of a delivery, with its message's attachments already in the content-addressed store (null: not fetched yet).</summary>
    /// <param name="Backfill">its delivery is history found on the channel's first read.</param>
    private sealed record ReadItem(InboundItem Item, AttachmentStore.Stored?[] Stored, bool Backfill);

    private async Task RecordMessagesAsync(LiaisonDb db, List<(ChannelDirectory.Entry Channel, ReadItem Item)> run, Changes changes, CancellationToken ct)
    {
        if (run.Count == 0) return;
        var now = clock.GetCurrentInstant();
        var incoming = run.Select(r =>
        {
            var m = (InboundMessage)r.Item.Item;
            var kind = r.Channel.Adapter!.Kind;
            var addresses = r.Channel.Descriptor!.Addresses;
            string? Normalized(string? address)
            {
                if (address is null) return null;
                try { return addresses.Normalize(kind, address, options.Value.DefaultPhoneRegion); }
                catch (DomainRuleException) { return null; } // an alias the kind can't read only loses the help it would have been
            }
            return new RecordMessage.Incoming(
                r.Channel.ChannelId, kind, m.Direction, addresses.Normalize(kind, m.CounterpartAddress, options.Value.DefaultPhoneRegion), m.CounterpartName, m.Text, m.At,
                m.Subject, m.Html, m.ThreadKey, m.ProviderMessageId, m.IsAutomated, m.FormattingWithheld, m.AttachmentsLeftOut, r.Item.Backfill,
                m.CounterpartAliases.Count == 0 ? null : m.CounterpartAliases.Select(Normalized).OfType<string>().ToList(), Normalized(m.GroupAddress), m.GroupName,
                m.SenderMarkedUrgent);
        }).ToList();
        var recorded = await MessageBatch.RecordAsync(db, channels, incoming, now, ct);
        for (var i = 0; i < run.Count; i++)
        {
            // Null: the channel delivered this message before (a provider's retry, a mail in INBOX and in Sent).
            if (recorded[i] is not { } message) continue;
            changes.Touched(message.ClientId);
            changes.UnknownSenders |= message.UnknownSenderId is not null;
            var attachmentsOf = ((InboundMessage)run[i].Item.Item).Attachments ?? [];
            for (var a = 0; a < attachmentsOf.Count; a++)
            {
                if (run[i].Item.Stored[a] is { } stored)
                {
                    db.Attachments.Add(Attachment.ForMessage(message.Id, stored.Sha256, stored.Size, attachmentsOf[a].FileName, attachmentsOf[a].ContentType, now, attachmentsOf[a].ContentId));
                }
                else if (attachmentsOf[a].ProviderMediaId is { Length: > 0 } mediaId)
                {
                    // Arrived by reference: recorded now, fetched by MediaFetching, never dropped.
                    db.PendingAttachments().Add(new PendingAttachment(message.Id, run[i].Channel.ChannelId, run[i].Channel.Adapter!.Kind, mediaId,
                        attachmentsOf[a].FileName, attachmentsOf[a].ContentType, now));
                    changes.MediaPending = true;
                }
            }
        }
    }

    /// <summary>The stored payload: its bytes in the database, or the file a large delivery was streamed to.</summary>
    private Stream OpenPayload(InboundDelivery delivery, Dictionary<long, byte[]> inRows) =>
        delivery.PayloadSha256 is { } sha
            ? attachments.Open(sha) ?? throw new FileNotFoundException($"The payload of delivery {delivery.Id} ({sha}) is missing from the data directory.")
            : new MemoryStream(inRows.TryGetValue(delivery.Id, out var bytes) ? bytes : throw new InvalidOperationException($"The payload of delivery {delivery.Id} is missing."), 0,
                bytes.Length, writable: false, publiclyVisible: true);

    /// <summary>What the delivery says, or why its adapter can't tell: retrying won't change that, so it is not retried.</summary>
    private static (IReadOnlyList<InboundItem>? Items, string? Unreadable) Read(InboundDelivery delivery, Stream payload, ChannelDirectory.Entry channel)
    {
        if (channel.Adapter is null) return (null, $"Channel {delivery.ChannelId} has no adapter for its kind.");
        try
        {
            return (payload is MemoryStream inRow && inRow.TryGetBuffer(out var bytes)
                ? channel.Adapter.Parse(bytes.AsMemory(), channel.Settings)
                : channel.Adapter.Parse(payload, channel.Settings), null);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or DomainRuleException)
        {
            return (null, $"The {channel.Adapter.Kind} adapter could not read this delivery: {e.Message}");
        }
    }

    private void CrashIfMarked(IReadOnlyList<InboundItem>? items)
    {
        if (items?.Any(i => i is InboundMessage m && m.Text.Contains(crashOnText!, StringComparison.Ordinal)) == true)
            Environment.FailFast("Liaison:Testing:CrashOnText matched a delivery being processed.");
    }

    /// <summary>
    /// Stores the attachments of one delivery's <paramref name="items"/>, one after another: a large
    /// mail's attachments are decoded out of one payload stream, which can't be read from two places
    /// at once. Deliveries store theirs side by side, and their syncs share the file system's journal commits.
    /// </summary>
    private async Task<IReadOnlyList<ReadItem>> StoreAttachmentsAsync(IReadOnlyList<InboundItem> items, bool backfill, CancellationToken ct)
    {
        var read = new List<ReadItem>(items.Count);
        foreach (var item in items)
        {
            var attachmentsOf = (item as InboundMessage)?.Attachments ?? [];
            var stored = new AttachmentStore.Stored?[attachmentsOf.Count];
            for (var i = 0; i < stored.Length; i++) stored[i] = await SaveAsync(attachmentsOf[i], ct);
            read.Add(new ReadItem(item, stored, backfill));
        }
        return read;
    }

    private async Task<AttachmentStore.Stored?> SaveAsync(InboundAttachment attachment, CancellationToken ct)
    {
        if (attachment.Content is { } content)
        {
            await using var stream = MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is not null
                ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(content.ToArray(), writable: false);
            return await attachments.SaveAsync(stream, options.Value.MaxAttachmentBytes, ct);
        }
        if (attachment.CopyTo is { } copy) return await attachments.SaveAsync(copy, options.Value.MaxAttachmentBytes, ct);
        return null; // provider media (a WhatsApp image): recorded as pending, fetched by MediaFetching
    }

    private async Task RecordFailureAsync(long deliveryId, string error, bool permanent, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var delivery = await db.InboundDeliveries.FirstAsync(d => d.Id == deliveryId, ct);
        var now = await leases.NowAsync(ct);
        using var turn = await turns.TakeAsync(ct);
        delivery.MarkFailed(now, error, permanent, options.Value.Inbound.MaxAttempts);
        await db.SaveChangesAsync(ct);
        log.LogWarning("Delivery {DeliveryId} failed (attempt {Attempt}, {State}): {Error}", deliveryId, delivery.Attempts, delivery.State, error);
        if (delivery.State == DeliveryProcessing.Failed) live.PublishUndelivered();
    }

    /// <summary>Applies an edit, deletion or delivery status; returns the client whose timeline it changed.</summary>
    private static async Task<long?> ApplyAsync(LiaisonDb db, ChannelDirectory.Entry channel, InboundItem item, CancellationToken ct)
    {
        switch (item)
        {
            case InboundEdit edit:
                var edited = await FindMessage(db, channel.ChannelId, edit.ProviderMessageId, ct);
                var previous = edited?.RecordEdit(edit.NewText, edit.At);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, edit.ProviderMessageId, edited?.Id, MessageEventKind.Edited, edit.At, previous ?? edit.NewText));
                return edited?.ClientId;

            case InboundDeletion deletion:
                var deleted = await FindMessage(db, channel.ChannelId, deletion.ProviderMessageId, ct);
                deleted?.RecordDeletion(deletion.At);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, deletion.ProviderMessageId, deleted?.Id, MessageEventKind.Deleted, deletion.At, null));
                return deleted?.ClientId;

            case InboundStatus status:
                var sent = await FindMessage(db, channel.ChannelId, status.ProviderMessageId, ct);
                sent?.RecordDeliveryState(status.State);
                db.MessageEvents.Add(new MessageEvent(channel.ChannelId, status.ProviderMessageId, sent?.Id, MessageEvent.From(status.State), status.At, status.Error));
                return sent?.ClientId;

            case InboundStatusUpTo upTo:
                // Our sent messages to that person up to the watermark, newest first; a watermark names no ids, so it is bounded here.
                var to = channel.Descriptor!.Addresses.Normalize(channel.Descriptor.Kind, upTo.CounterpartAddress, null);
                var reached = await db.Messages.Where(m => m.ChannelId == channel.ChannelId && m.CounterpartAddress == to
                        && m.Direction == Core.Messages.MessageDirection.Outbound && m.ProviderMessageId != null && m.OccurredAt <= upTo.At)
                    .OrderByDescending(m => m.OccurredAt).Take(200).ToListAsync(ct);
                foreach (var m in reached) m.RecordDeliveryState(upTo.State);
                return reached.FirstOrDefault()?.ClientId;

            default:
                throw new FormatException($"Unknown inbound item {item.GetType().Name}.");
        }
    }

    private static Task<Core.Messages.Message?> FindMessage(LiaisonDb db, long channelId, string providerMessageId, CancellationToken ct) =>
        db.Messages.FirstOrDefaultAsync(x => x.ChannelId == channelId && x.ProviderMessageId == providerMessageId, ct);
}
