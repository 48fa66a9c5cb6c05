using System.Threading.Channels;
using Liaison.Core.Background;
using Liaison.Server.Features.Background;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Group commit: concurrent webhook requests queue their deliveries here; one loop writes whatever
/// has queued up as one transaction and then releases every request of the batch to answer 200.
/// Under load a batch grows to hundreds of deliveries, so the cost of a commit (and its fsync) is
/// shared; with one request in flight a batch is just that one, so latency stays a single commit.
/// </summary>
public sealed class DeliveryWriter(
    IOptions<LiaisonOptions> options, [FromKeyedServices(DeliveryProcessor.Queue)] WakeSignal processing, WriteTurns turns, LeaseClock leases, ILogger<DeliveryWriter> log) : BackgroundService
{
    // Bounded: when the disk can't keep up, requests wait (and providers retry) instead of memory growing.
    private readonly Channel<PendingDelivery> queue = Channel.CreateBounded<PendingDelivery>(
        new BoundedChannelOptions(20_000) { SingleReader = false, FullMode = BoundedChannelFullMode.Wait });

    // A timestamp of the pacing clock (Pacing): when the last batch someone waited for was committed.
    private long lastCommit;

    /// <summary>
    /// While deliveries are streaming in, the processor waits for a pause (or at most
    /// <paramref name="atMost"/>): SQLite has one writer at a time, and on a small machine the
    /// processor's CPU is better spent answering providers. What is stored is processed after the
    /// burst; nothing is lost by waiting. Returns false when it stopped waiting at
    /// <paramref name="atMost"/> with deliveries still streaming in.
    /// </summary>
    public async Task<bool> WaitWhileBusyAsync(TimeSpan atMost, CancellationToken ct)
    {
        var quiet = TimeSpan.FromMilliseconds(50);
        var started = Pacing.Clock.GetTimestamp();
        while (Interlocked.Read(ref lastCommit) is var last and not 0 && Pacing.Clock.GetElapsedTime(last) < quiet)
        {
            if (Pacing.Clock.GetElapsedTime(started) >= atMost) return false;
            await Task.Delay(quiet, Pacing.Clock, ct);
        }
        return true;
    }

    /// <summary>
    /// For a provider waiting for our answer (a webhook): returns once the delivery is committed (or
    /// was already stored); throws if the commit failed. While such deliveries stream in, processing
    /// waits (<see cref="WaitWhileBusyAsync"/>) so that the answers stay fast.
    /// </summary>
    public async Task StoreAsync(long channelId, string key, byte[] payload, Instant receivedAt, CancellationToken ct)
    {
        var pending = new PendingDelivery(channelId, key, payload, receivedAt, AnswerWaiting: true);
        await queue.Writer.WriteAsync(pending, ct);
        await pending.Committed.Task.WaitAsync(ct);
    }

    /// <summary>
    /// For a channel that pulls (IMAP): queues the delivery and returns at once (unless the queue is
    /// full) with the task of its commit, so a whole fetched batch shares a few commits. Nobody waits
    /// for an answer, so processing goes on alongside: a mailbox's first sync is done when its mail
    /// is on the timelines, not when it is stored.
    /// </summary>
    /// <param name="backfill">history found on the channel's first read (a mailbox's initial sync): its messages are recorded as backfill.</param>
    public async ValueTask<Task> EnqueueAsync(long channelId, string key, byte[] payload, Instant receivedAt, CancellationToken ct, string? payloadSha256 = null, bool backfill = false)
    {
        var pending = new PendingDelivery(channelId, key, payload, receivedAt, payloadSha256, Backfill: backfill);
        await queue.Writer.WriteAsync(pending, ct);
        return pending.Committed.Task;
    }

    /// <summary>
    /// One commit loop on SQLite (one writer is all it has); several on PostgreSQL, whose commits
    /// overlap: while one batch waits for the server, the next is already being written.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = options.Value.Database.Provider == DatabaseProvider.Postgres ? 4 : 1;
        return Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => CommitLoopAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task CommitLoopAsync(CancellationToken stoppingToken)
    {
        var maxBatch = options.Value.Inbound.MaxBatch;
        var batch = new List<PendingDelivery>(maxBatch);
        DeliveryStore? store = null;
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < maxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
                try
                {
                    store ??= await DeliveryStore.OpenAsync(options.Value, stoppingToken);
                    // Due at once, on the clock the processor's claims compare with (the database's on PostgreSQL).
                    var due = await leases.NowAsync(stoppingToken);
                    using (await turns.TakeAsync(stoppingToken))
                        await store.InsertAsync(batch, due, stoppingToken);
                    if (batch.Exists(d => d.AnswerWaiting)) Interlocked.Exchange(ref lastCommit, Pacing.Clock.GetTimestamp());
                    foreach (var delivery in batch) delivery.Committed.TrySetResult();
                    processing.Wake();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The requests answer 503 and the providers retry; a fresh connection gets the next batch.
                    log.LogError(e, "Could not store {Count} deliveries", batch.Count);
                    foreach (var delivery in batch) delivery.Committed.TrySetException(e);
                    if (store is not null) await store.DisposeAsync();
                    store = null;
                }
                batch.Clear();
            }
        }
        finally
        {
            foreach (var delivery in batch) delivery.Committed.TrySetCanceled(stoppingToken);
            while (queue.Reader.TryRead(out var left)) left.Committed.TrySetCanceled(stoppingToken);
            if (store is not null) await store.DisposeAsync();
        }
    }
}
