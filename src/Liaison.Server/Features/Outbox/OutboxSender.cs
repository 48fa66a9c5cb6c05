using Liaison.Core;
using Liaison.Core.Background;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Background;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// Sends what the outbox holds, in the background, in one lane per channel: a slow SMTP server holds
/// up only its own mailbox's messages, never a Telegram reply. Within a lane messages go one at a
/// time in the order they were queued. Each is claimed with a lease (a conditional UPDATE, so several
/// instances on one PostgreSQL never claim the same entry), sent through its channel's
/// <see cref="IChannelSender"/>, and its <see cref="SendOutcome"/> recorded: Sent with the provider's
/// id written onto the message; Deferred until the instant the provider named; Rejected with the
/// provider's code and words, waiting for the owner's Retry. An exception is a failure for now,
/// retried after <see cref="Backoff.Queue"/>; a broken rule (<see cref="DomainRuleException"/>) counts as rejected.
/// </summary>
/// <remarks>
/// Never sent twice: an entry is marked <see cref="OutboxState.Sending"/> (committed) before the
/// provider is called. An entry still Sending after its lease ran out belongs to a server that died
/// mid-send, so it is not resent blindly: the sender is asked first (<see cref="IChannelSender.WasSentAsync"/>,
/// for e-mail a search of the Sent folder for the Message-ID). Found: marked Sent. Not found: sent.
/// Cannot ask now: asked again later. Channel cannot tell: Failed, for the owner to check and retry.
/// The inbound pipeline is no help here: the Sent copy it fetches carries the Message-ID we stored,
/// so it is deduplicated into the very message we are unsure about. The one window left is a crash
/// between the SMTP server's acceptance and the append to Sent (one IMAP round trip): that mail is sent again.
/// </remarks>
public sealed class OutboxSender(
    IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, IEnumerable<IChannelSender> senders, WriteTurns turns, LiveUpdates live,
    LeaseClock leases, [FromKeyedServices(OutboxSender.Queue)] WakeSignal wake, TimeProvider time, IOptions<LiaisonOptions> options,
    ILogger<OutboxSender> log, ReplyWindows windows) : QueueWorker(wake, time, log)
{
    /// <summary>The key of this queue's <see cref="WakeSignal"/>: whoever queues or retries a send wakes it.</summary>
    public const string Queue = "outbox";
    // Longer than one SMTP exchange with MailKit's 2-minute timeouts: another instance must not think the send died.
    private static readonly Duration Lease = Duration.FromMinutes(5);
    /// <summary>At most this many channels send at once; the others wait for a lane to finish.</summary>
    public const int MaxLanes = 8;
    private readonly Dictionary<Core.Channels.ChannelKind, IChannelSender> byKind = senders.ToDictionary(s => s.Kind);
    // Read and written by the loop in ExecuteAsync only.
    private readonly Dictionary<long, Task> lanes = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider == DatabaseProvider.Sqlite)
        {
            // One server per SQLite file: a send still marked Sending was this server's own, cut off by
            // a crash. Its lease is ended now so it is checked (not resent blindly) at once, not in minutes.
            try
            {
                await using var db = await dbs.CreateDbContextAsync(stoppingToken);
                var now = await leases.NowAsync(CancellationToken.None);
                await db.Outbox().Where(o => o.State == OutboxState.Sending && o.LeaseUntil > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseUntil, (Instant?)now), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not end the leases of interrupted sends; they are checked when the leases run out");
            }
        }
        await base.ExecuteAsync(stoppingToken);
        // Lanes end at their next step; what a provider already answered is written down first.
        await Task.WhenAll(lanes.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    // Lanes run on their own; the loop only starts them and never has more waiting right now.
    protected override async Task<bool> WorkAsync(CancellationToken stoppingToken)
    {
        await StartLanesAsync(stoppingToken);
        return false;
    }

    /// <summary>Starts a lane for each channel with work due that has none running, up to <see cref="MaxLanes"/>.</summary>
    private async Task StartLanesAsync(CancellationToken ct)
    {
        foreach (var finished in lanes.Where(l => l.Value.IsCompleted).Select(l => l.Key).ToList()) lanes.Remove(finished);
        if (lanes.Count >= MaxLanes) return;
        var now = await leases.NowAsync(CancellationToken.None);
        List<long> channels;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            channels = await Due(db.Outbox(), now).Select(o => o.ChannelId).Distinct().ToListAsync(ct);
        foreach (var channelId in channels.Where(c => !lanes.ContainsKey(c)).Take(MaxLanes - lanes.Count))
            lanes[channelId] = Task.Run(() => RunLaneAsync(channelId, ct), CancellationToken.None);
    }

    /// <summary>Interrupted sends (lease run out) and entries whose next attempt has come.</summary>
    private static IQueryable<OutboxItem> Due(IQueryable<OutboxItem> outbox, Instant now) => outbox.Where(o =>
        (o.State == OutboxState.Sending && o.LeaseUntil < now)
        || ((o.State == OutboxState.Queued || o.State == OutboxState.Failed || o.State == OutboxState.Deferred) && o.NextAttemptAt <= now));

    /// <summary>Sends one channel's due entries one after another, oldest first, until none is due.</summary>
    private async Task RunLaneAsync(long channelId, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && await NextAsync(channelId, ct) is { } next)
                if (await ClaimAsync(next.Id, next.Interrupted, ct)) await SendAsync(next.Id, next.Interrupted, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogError(e, "Outbox lane of channel {ChannelId} failed; it starts again shortly", channelId);
        }
        finally
        {
            // The loop clears the finished lane and looks again: work queued while this one was ending is not left waiting.
            Wake();
        }
    }

    private async Task<(long Id, bool Interrupted)?> NextAsync(long channelId, CancellationToken ct)
    {
        var now = await leases.NowAsync(CancellationToken.None);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var next = await Due(db.Outbox().Where(o => o.ChannelId == channelId), now).OrderBy(o => o.Id)
            .Select(o => new { o.Id, Interrupted = o.State == OutboxState.Sending }).FirstOrDefaultAsync(ct);
        return next is null ? null : (next.Id, next.Interrupted);
    }

    /// <summary>Takes the entry for this instance; false when another instance (or a cancel) got there first.</summary>
    private async Task<bool> ClaimAsync(long id, bool interrupted, CancellationToken ct)
    {
        var now = await leases.NowAsync(CancellationToken.None);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entry = db.Outbox().Where(o => o.Id == id);
        entry = interrupted
            ? entry.Where(o => o.State == OutboxState.Sending && o.LeaseUntil < now)
            : entry.Where(o => (o.State == OutboxState.Queued || o.State == OutboxState.Failed || o.State == OutboxState.Deferred) && o.NextAttemptAt <= now);
        using var turn = await turns.TakeAsync(ct);
        return await entry.ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Sending)
            .SetProperty(o => o.LeaseUntil, (Instant?)(now + Lease)), ct) == 1;
    }

    private async Task SendAsync(long id, bool interrupted, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var item = await db.Outbox().FirstAsync(o => o.Id == id, ct);
        var message = await db.Messages.FirstAsync(m => m.Id == item.MessageId, ct);
        var channel = await directory.FindAsync(item.ChannelId, ct);
        var draft = item.ToDraft(message.CounterpartAddress, message.ProviderMessageId);
        if (!channel.Exists || !byKind.TryGetValue(message.ChannelKind, out var sender))
        {
            item.MarkFailed(await leases.NowAsync(CancellationToken.None), interrupted
                ? $"Channel {item.ChannelId} is disconnected, and the server stopped while sending this: it may have left. Check with the recipient before you Retry."
                : $"Channel {item.ChannelId} is disconnected or cannot send; reconnect it, then Retry.", permanent: true);
        }
        else if (interrupted && await CheckInterruptedAsync(sender, draft, channel.Settings, item, ct) is var check && check != Interrupted.NeverLeft)
        {
            if (check == Interrupted.Left)
            {
                item.MarkSent(await leases.NowAsync(CancellationToken.None), "Found in the mailbox after an interrupted send; not sent again.");
                message.RecordDeliveryState(Core.Inbound.DeliveryState.Sent);
            }
        }
        else
        {
            SendOutcome? outcome = null;
            try
            {
                // Queued inside the window, it may have waited (a deferral, retries) until after it closed.
                var window = await windows.ForAsync(db, item.ChannelId, message.ChannelKind, message.CounterpartAddress, item.Content.Purpose, channel.Settings, ct);
                ReplyWindows.Check(window, item.Content, directory.Descriptors.For(message.ChannelKind));
                outcome = await sender.SendAsync(draft with { Window = window }, channel.Settings, ct);
            }
            catch (DomainRuleException e)
            {
                // A broken rule (no subject, no SMTP server) fails the same way every time.
                outcome = new SendOutcome.Rejected(e.Rule, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                item.MarkFailed(await leases.NowAsync(CancellationToken.None), e.Message, permanent: false);
                log.LogWarning("Sending message {MessageId} failed (attempt {Attempt}, {Retry}): {Error}",
                    message.Id, item.Attempts, item.NextAttemptAt is null ? "left for the owner" : "retried later", e.Message);
            }
            switch (outcome)
            {
                case SendOutcome.Sent sent:
                    item.MarkSent(await leases.NowAsync(CancellationToken.None), sent.Warning);
                    message.RecordDeliveryState(Core.Inbound.DeliveryState.Sent);
                    await RecordProviderIdAsync(db, message, sent.ProviderMessageId, ct);
                    log.LogInformation("Sent message {MessageId} as {ProviderMessageId}", message.Id, sent.ProviderMessageId);
                    break;
                case SendOutcome.Deferred deferred:
                    item.MarkDeferred(await leases.NowAsync(CancellationToken.None), deferred.Until, deferred.Reason);
                    log.LogInformation("The channel deferred message {MessageId} until {Until}: {Reason}", message.Id, item.NextAttemptAt, deferred.Reason);
                    break;
                case SendOutcome.Rejected rejected:
                    item.MarkRejected(await leases.NowAsync(CancellationToken.None), rejected.Code, rejected.Words);
                    log.LogWarning("Message {MessageId} was refused for good ({Code}): {Words}", message.Id, rejected.Code, rejected.Words);
                    break;
            }
        }
        // Not the stopping token: what the provider said must be written down even while shutting down.
        using (await turns.TakeAsync(CancellationToken.None))
            await db.SaveChangesAsync(CancellationToken.None);
        if (message.ClientId is { } clientId) live.PublishTimeline(clientId);
    }

    /// <summary>
    /// Writes the provider's id onto our message, so the (channel, provider id) unique index catches an
    /// echo of it and a status for it finds it. An echo that came in before the provider's answer
    /// reached us already holds the id: ours then stays without it rather than the whole send failing to be recorded.
    /// </summary>
    private async Task RecordProviderIdAsync(LiaisonDb db, Core.Messages.Message message, string providerMessageId, CancellationToken ct)
    {
        if (message.ProviderMessageId is not null) return;
        if (await db.Messages.AnyAsync(m => m.ChannelId == message.ChannelId && m.ProviderMessageId == providerMessageId && m.Id != message.Id, ct))
        {
            log.LogWarning("Message {MessageId} was sent as {ProviderMessageId}, which another message on the channel already holds (an echo recorded first)", message.Id, providerMessageId);
            return;
        }
        message.RecordProviderMessageId(providerMessageId);
    }

    private enum Interrupted { Left, NeverLeft, Unknown }

    /// <summary>
    /// Asks the channel whether an interrupted send left. When it cannot be asked now, or cannot
    /// tell at all, the entry is updated here (asked again later, or left for the owner's Retry).
    /// </summary>
    private async Task<Interrupted> CheckInterruptedAsync(IChannelSender sender, OutboundDraft draft, Core.Inbound.ChannelSettings settings, OutboxItem item, CancellationToken ct)
    {
        bool? found;
        try { found = await sender.WasSentAsync(draft, settings, ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            item.PostponeCheck(await leases.NowAsync(CancellationToken.None), $"The server stopped while sending; could not check yet whether it left: {e.Message}");
            return Interrupted.Unknown;
        }
        if (found is null)
        {
            item.MarkFailed(await leases.NowAsync(CancellationToken.None), "The server stopped while sending and the channel cannot tell whether it left; check with the recipient, then Retry.", permanent: true);
            return Interrupted.Unknown;
        }
        return found.Value ? Interrupted.Left : Interrupted.NeverLeft;
    }
}
