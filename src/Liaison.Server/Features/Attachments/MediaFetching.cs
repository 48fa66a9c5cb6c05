using Liaison.Core;
using Liaison.Core.Attachments;
using Liaison.Core.Background;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Background;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Attachments;

/// <summary>
/// Fetches the attachments that arrived by reference (<see cref="PendingAttachment"/>) through their
/// channel's <see cref="IMediaFetcher"/>: at once after the message is recorded (a WhatsApp media URL
/// expires in minutes, though the id lasts days), retried with <see cref="Backoff.Queue"/> when the
/// provider can't answer, given up with the provider's words when it says the media are gone.
/// </summary>
/// <remarks>
/// A fetch is claimed with a lease, so two instances on one PostgreSQL never fetch the same media and
/// a fetch cut off by a crash is taken up again when its lease runs out. A few fetches run side by
/// side: one slow download must not hold up the others.
/// </remarks>
public sealed class MediaFetching(
    IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, IEnumerable<IMediaFetcher> fetchers, AttachmentStore store,
    WriteTurns turns, LiveUpdates live, LeaseClock leases, [FromKeyedServices(MediaFetching.Queue)] WakeSignal wake, TimeProvider time,
    IOptions<LiaisonOptions> options, ILogger<MediaFetching> log) : QueueWorker(wake, time, log)
{
    /// <summary>The key of this queue's <see cref="WakeSignal"/>: the delivery processor wakes it when it recorded pending attachments.</summary>
    public const string Queue = "media";
    // Longer than a download of the largest attachment on a slow line; a fetch cut off by a crash waits this long.
    private static readonly LeaseTerms Lease = new(Duration.FromMinutes(10));
    private const int BatchSize = 16;
    private const int SideBySide = 4;
    private readonly Dictionary<ChannelKind, IMediaFetcher> byKind = fetchers.ToDictionary(f => f.Kind);

    // Retries fall due seconds after a failure; the worker looks every few seconds rather than the queue's default second.
    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(2);

    protected override async Task<bool> WorkAsync(CancellationToken stoppingToken) => await RunOnceAsync(stoppingToken) == BatchSize;

    /// <summary>Claims the due fetches and runs them; returns how many it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = await leases.NowAsync(ct);
        List<long> due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            due = await Due(db, now).OrderBy(a => a.NextAttemptAt).Select(a => a.Id).Take(BatchSize).ToListAsync(ct);
        var claimed = new List<long>(due.Count);
        foreach (var id in due)
            if (await ClaimAsync(id, now, ct)) claimed.Add(id);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = SideBySide, CancellationToken = ct },
            async (id, token) => await FetchAsync(id, token));
        return claimed.Count;
    }

    private static IQueryable<PendingAttachment> Due(LiaisonDb db, Instant now) =>
        db.PendingAttachments().Where(a => a.State == PendingAttachmentState.Waiting && a.NextAttemptAt <= now && (a.LeaseUntil == null || a.LeaseUntil < now));

    /// <summary>Takes the fetch for this instance; false when another instance got there first.</summary>
    private async Task<bool> ClaimAsync(long id, Instant now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        using var turn = await turns.TakeAsync(ct);
        return await Due(db, now).Where(a => a.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseUntil, (Instant?)Lease.Until(now)), ct) == 1;
    }

    private async Task FetchAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pending = await db.PendingAttachments().FirstAsync(a => a.Id == id, ct);
        var channel = await directory.FindAsync(pending.ChannelId, ct);
        string? error = null;
        var gone = false;
        AttachmentStore.Stored? stored = null;
        string? fetchedType = null;
        if (!byKind.TryGetValue(pending.ChannelKind, out var fetcher))
        {
            (error, gone) = ($"Channels of kind {pending.ChannelKind} cannot fetch media.", true);
        }
        else if (!channel.Exists)
        {
            (error, gone) = ($"Channel {pending.ChannelId} is disconnected; reconnect it, then Retry.", true);
        }
        else
        {
            try
            {
                await using var media = await fetcher.FetchAsync(pending.ProviderMediaId, channel.Settings, ct);
                stored = await store.SaveAsync(media.Content, options.Value.MaxAttachmentBytes, ct);
                fetchedType = media.ContentType;
                if (media.Sha256 is { Length: 64 } expected && !string.Equals(expected, stored.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    // A download cut short or garbled on the way: the next attempt fetches it again.
                    error = $"The media arrived damaged (SHA-256 {stored.Sha256}, the provider says {expected.ToLowerInvariant()}).";
                    stored = null;
                }
            }
            catch (MediaGoneException e)
            {
                (error, gone) = (e.Message, true);
            }
            catch (DomainRuleException e)
            {
                (error, gone) = (e.Message, true); // too large: it will be as large next time
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = e.Message;
            }
        }

        var now = await leases.NowAsync(CancellationToken.None);
        if (stored is { } file)
        {
            var type = string.IsNullOrWhiteSpace(pending.ContentType) ? fetchedType ?? "" : pending.ContentType;
            db.Attachments.Add(Attachment.ForMessage(pending.MessageId, file.Sha256, file.Size, pending.FileName, type, now));
            db.PendingAttachments().Remove(pending);
        }
        else
        {
            pending.RecordFailure(now, error ?? "The media could not be fetched.", gone);
            log.LogWarning("Fetching attachment {Id} of message {MessageId} failed (attempt {Attempt}, {Next}): {Error}",
                pending.Id, pending.MessageId, pending.Attempts, pending.State == PendingAttachmentState.Failed ? "given up" : "retried later", error);
        }
        // Not the stopping token: what was fetched (or why not) is written down even while shutting down.
        using (await turns.TakeAsync(CancellationToken.None))
            await db.SaveChangesAsync(CancellationToken.None);
        if (await db.Messages.Where(m => m.Id == pending.MessageId).Select(m => m.ClientId).FirstOrDefaultAsync(CancellationToken.None) is { } clientId)
            live.PublishTimeline(clientId);
    }

    /// <summary>The owner's Retry of a fetch that was given up (or is waiting): tried again now.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.PendingAttachments().FirstOrDefaultAsync(a => a.Id == id, ct) is not { } pending) return false;
        pending.Retry(await leases.NowAsync(ct));
        using (await turns.TakeAsync(ct))
            await db.SaveChangesAsync(ct);
        Wake();
        return true;
    }
}
