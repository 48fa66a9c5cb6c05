using Liaison.Core;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Inbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// Sends what the outbox holds, in the background: claims due entries with a lease (a conditional
/// UPDATE, so several instances on one PostgreSQL never claim the same entry), sends each through
/// its channel's <see cref="IChannelSender"/>, and records Sent or Failed with the provider's words
/// and the next attempt (2^n s, capped at an hour); a refusal for good (<see cref="SendRejectedException"/>)
/// gets no next attempt and waits for the owner's Retry.
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
    IClock clock, IOptions<LiaisonOptions> options, ILogger<OutboxSender> log) : BackgroundService
{
    // Longer than one SMTP exchange with MailKit's 2-minute timeouts: another instance must not think the send died.
    private static readonly Duration Lease = Duration.FromMinutes(5);
    private const int BatchSize = 8;
    private readonly Dictionary<Core.Channels.ChannelKind, IChannelSender> byKind = senders.ToDictionary(s => s.Kind);
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Something was queued or retried: look now instead of at the next poll.</summary>
    public void Wake()
    {
        try { if (wake.CurrentCount == 0) wake.Release(); }
        catch (SemaphoreFullException) { /* already awake */ }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider == DatabaseProvider.Sqlite)
        {
            // One server per SQLite file: a send still marked Sending was this server's own, cut off by
            // a crash. Its lease is ended now so it is checked (not resent blindly) at once, not in minutes.
            try
            {
                await using var db = await dbs.CreateDbContextAsync(stoppingToken);
                var now = clock.GetCurrentInstant();
                await db.Outbox().Where(o => o.State == OutboxState.Sending && o.LeaseUntil > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseUntil, (Instant?)now), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not end the leases of interrupted sends; they are checked when the leases run out");
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await RunOnceAsync(stoppingToken);
                if (worked < BatchSize) await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogError(e, "Outbox loop failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Handles the interrupted sends, then the due ones; returns how many it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        List<long> interrupted, due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            interrupted = await db.Outbox().Where(o => o.State == OutboxState.Sending && o.LeaseUntil < now)
                .OrderBy(o => o.Id).Select(o => o.Id).Take(BatchSize).ToListAsync(ct);
            due = await db.Outbox().Where(o => (o.State == OutboxState.Queued || o.State == OutboxState.Failed) && o.NextAttemptAt <= now)
                .OrderBy(o => o.NextAttemptAt).Select(o => o.Id).Take(BatchSize).ToListAsync(ct);
        }
        var claimed = 0;
        foreach (var id in interrupted)
            if (await ClaimAsync(id, interrupted: true, now, ct)) { claimed++; await SendAsync(id, interrupted: true, ct); }
        foreach (var id in due)
            if (await ClaimAsync(id, interrupted: false, now, ct)) { claimed++; await SendAsync(id, interrupted: false, ct); }
        return claimed;
    }

    /// <summary>Takes the entry for this instance; false when another instance (or a cancel) got there first.</summary>
    private async Task<bool> ClaimAsync(long id, bool interrupted, Instant now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entry = db.Outbox().Where(o => o.Id == id);
        entry = interrupted
            ? entry.Where(o => o.State == OutboxState.Sending && o.LeaseUntil < now)
            : entry.Where(o => (o.State == OutboxState.Queued || o.State == OutboxState.Failed) && o.NextAttemptAt <= now);
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
        var draft = item.ToDraft();
        if (!channel.Exists || !byKind.TryGetValue(message.ChannelKind, out var sender))
        {
            item.MarkFailed(clock.GetCurrentInstant(), interrupted
                ? $"Channel {item.ChannelId} is disconnected, and the server stopped while sending this: it may have left. Check with the recipient before you Retry."
                : $"Channel {item.ChannelId} is disconnected or cannot send; reconnect it, then Retry.", permanent: true);
        }
        else if (interrupted && await CheckInterruptedAsync(sender, draft, channel.Settings, item, ct) is var check && check != Interrupted.NeverLeft)
        {
            if (check == Interrupted.Left)
            {
                item.MarkSent(clock.GetCurrentInstant(), "Found in the mailbox after an interrupted send; not sent again.");
                message.RecordDeliveryState(Core.Inbound.DeliveryState.Sent);
            }
        }
        else
        {
            try
            {
                var receipt = await sender.SendAsync(draft, channel.Settings, ct);
                item.MarkSent(clock.GetCurrentInstant(), receipt.Warning);
                message.RecordDeliveryState(Core.Inbound.DeliveryState.Sent);
                log.LogInformation("Sent message {MessageId} as {ProviderMessageId}", message.Id, receipt.ProviderMessageId);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // A broken rule (no subject, no SMTP server) or a refusal for good (an SMTP 5xx: unknown
                // recipient, too large) fails the same way every time: no automatic retry, the owner fixes and retries.
                var permanent = e is DomainRuleException or SendRejectedException;
                item.MarkFailed(clock.GetCurrentInstant(), e.Message, permanent);
                log.LogWarning("Sending message {MessageId} failed (attempt {Attempt}, {Retry}): {Error}",
                    message.Id, item.Attempts, item.NextAttemptAt is null ? "left for the owner" : "retried later", e.Message);
            }
        }
        // Not the stopping token: what the provider said must be written down even while shutting down.
        using (await turns.TakeAsync(CancellationToken.None))
            await db.SaveChangesAsync(CancellationToken.None);
        if (message.ClientId is { } clientId) live.PublishTimeline(clientId);
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
            item.PostponeCheck(clock.GetCurrentInstant(), $"The server stopped while sending; could not check yet whether it left: {e.Message}");
            return Interrupted.Unknown;
        }
        if (found is null)
        {
            item.MarkFailed(clock.GetCurrentInstant(), "The server stopped while sending and the channel cannot tell whether it left; check with the recipient, then Retry.", permanent: true);
            return Interrupted.Unknown;
        }
        return found.Value ? Interrupted.Left : Interrupted.NeverLeft;
    }
}
