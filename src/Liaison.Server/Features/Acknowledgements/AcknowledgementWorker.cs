using Liaison.Core;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Background;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Liaison.Core.Promises;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Background;
using Liaison.Server.Features.Calendar;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Features.Promises;
using Liaison.Core.Calendars;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Acknowledgements;

/// <summary>
/// Sends the automatic acknowledgements, in the background, on the shared queue mechanism: finds
/// open promises (live messages that need an answer) with no decision yet, and decides each (Core's
/// <see cref="AcknowledgementPolicy"/>) when its row falls due — at once, or after the agreement's
/// wait, asking again whether a person replied meanwhile. A decision to send queues the text through
/// <see cref="OutboundQueue"/> on the message's own channel, in the client's language, with the
/// exact deadline (the stored promise's), under the idempotency key <c>ack:message:{id}</c>, and
/// records it on the promise.
/// </summary>
/// <remarks>
/// Exactly once: a row is claimed with a lease (a conditional UPDATE, so two instances never decide
/// the same row) and the outbox queues one message per key and channel, so a crash between queueing
/// and recording the decision finds the first message again instead of sending a second. The row is
/// stored, so a restart between the message and its delayed acknowledgement sends it once, on time.
/// Woken when promises are made (<see cref="LiveUpdates.PromisesMade"/>) or a timeline changes; otherwise it looks every second.
/// </remarks>
public sealed class AcknowledgementWorker(
    IDbContextFactory<LiaisonDb> dbs, OutboundQueue queue, LiveUpdates live, WriteTurns turns, LeaseClock leases,
    [FromKeyedServices(AcknowledgementWorker.Queue)] WakeSignal wake, TimeProvider time, Microsoft.Extensions.Options.IOptions<LiaisonOptions> options,
    ILogger<AcknowledgementWorker> log) : QueueWorker(wake, time, log)
{
    protected override bool Runs => options.Value.Acknowledgements.Send;

    /// <summary>The key of this queue's <see cref="WakeSignal"/>.</summary>
    public const string Queue = "acknowledgements";
    private static readonly Duration Lease = Duration.FromMinutes(2);
    private const int BatchSize = 32;
    // Messages recorded longer ago than this are never acknowledged: after a long outage an
    // acknowledgement days late would confuse more than it calms.
    private static readonly Duration LookBack = Duration.FromHours(24);
    // The longest the limits look back: the conversation period's maximum, and a day for the cap.
    private static readonly Duration RecentWindow = Duration.FromMinutes(AcknowledgementTerms.MaxConversationPeriodMinutes);

    private void OnPromisesMade(IReadOnlyList<PromiseMade> made) => Wake();

    private void OnTimelineChanged(long clientId) => Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Promises are made when messages are recorded; a timeline change may be a reply that makes a waiting one unnecessary.
        live.PromisesMade += OnPromisesMade;
        live.TimelineChanged += OnTimelineChanged;
        try { await base.ExecuteAsync(stoppingToken); }
        finally
        {
            live.PromisesMade -= OnPromisesMade;
            live.TimelineChanged -= OnTimelineChanged;
        }
    }

    protected override async Task<bool> WorkAsync(CancellationToken stoppingToken)
    {
        var now = await leases.NowAsync(stoppingToken);
        await DiscoverAsync(now, stoppingToken);
        List<long> due;
        await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
            due = await db.Acknowledgements().AsNoTracking()
                .Where(a => (a.State == AcknowledgementState.Pending || a.State == AcknowledgementState.Waiting) && a.DueAt <= now && (a.LeaseUntil == null || a.LeaseUntil < now))
                .OrderBy(a => a.DueAt).Select(a => a.Id).Take(BatchSize).ToListAsync(stoppingToken);
        foreach (var id in due)
        {
            if (!await ClaimAsync(id, stoppingToken)) continue;
            try { await DecideAsync(id, stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its lease runs out and it is decided again; the idempotency key keeps it to one message.
                log.LogWarning(e, "Deciding acknowledgement {AcknowledgementId} failed; it is tried again when its lease runs out", id);
            }
        }
        return due.Count == BatchSize;
    }

    /// <summary>A row for each open promise (a live message that needs an answer) that has none yet, due now.</summary>
    private async Task DiscoverAsync(Instant now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var since = now - LookBack;
        var found = await db.Promises().AsNoTracking()
            .Where(p => p.AnsweredAt == null && p.ClosedAt == null && p.AcknowledgementMessageId == null && p.MadeAt >= since
                && !db.Acknowledgements().Any(a => a.MessageId == p.MessageId))
            .OrderBy(p => p.Id).Take(100)
            .Join(db.Messages, p => p.MessageId, m => m.Id, (p, m) => new { p.MessageId, p.ClientId, p.ConversationId, p.ChannelId, m.CounterpartAddress })
            .ToListAsync(ct);
        if (found.Count == 0) return;
        foreach (var m in found) db.Acknowledgements().Add(new AcknowledgementRecord(m.MessageId, m.ClientId, m.ConversationId, m.ChannelId, m.CounterpartAddress, now));
        try
        {
            using (await turns.TakeAsync(ct))
                await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance found them first; its rows stand.
        }
    }

    private async Task<bool> ClaimAsync(long id, CancellationToken ct)
    {
        var now = await leases.NowAsync(ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        using var turn = await turns.TakeAsync(ct);
        return await db.Acknowledgements()
            .Where(a => a.Id == id && (a.State == AcknowledgementState.Pending || a.State == AcknowledgementState.Waiting) && a.DueAt <= now && (a.LeaseUntil == null || a.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseUntil, (Instant?)(now + Lease)), ct) == 1;
    }

    private async Task DecideAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Acknowledgements().FirstAsync(a => a.Id == id, ct);
        var now = await leases.NowAsync(ct);
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == row.MessageId, ct);
        if (message?.ClientId is not { } clientId || message.ConversationId is not { } conversationId)
        {
            row.Skip(AcknowledgementReason.NoClient, now);
            await SaveAsync(db, ct);
            return;
        }
        var stored = await db.Promises().FirstOrDefaultAsync(p => p.MessageId == message.Id, ct);
        if (stored is null || stored.ClosedAt is not null)
        {
            row.Skip(AcknowledgementReason.NoAnswerNeeded, now);
            await SaveAsync(db, ct);
            return;
        }
        var client = await db.Clients.AsNoTracking().FirstAsync(c => c.Id == clientId, ct);
        // The promise's own terms, counted under the versions in force when the message arrived.
        var promise = stored.Terms;
        var document = (await ClientAgreements.InForceAtAsync(db, clientId, promise.Received, now, ct))!;
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, client.WorkspaceId, document.Terms.ResponsibleMemberId, promise.Received, ct);
        var agreement = document.Terms;
        var ourHours = new WorkingCalendar(DateTimeZoneProviders.Tzdb[calendar.TimeZone], calendar.WorkingHours, calendar.DaysOff);

        // A person of ours wrote in the conversation since (an automatic message answers nothing).
        var personReplied = stored.AnsweredAt is not null || !message.NeedsAnswer || await db.Messages.AnyAsync(o => o.ConversationId == conversationId
            && o.Direction == MessageDirection.Outbound && !o.IsAutomatic && o.OccurredAt >= message.OccurredAt, ct);
        var recentFrom = now - RecentWindow;
        var recent = (await db.Acknowledgements().AsNoTracking()
                .Where(a => a.ClientId == clientId && a.State == AcknowledgementState.Sent && a.DecidedAt >= recentFrom && a.Id != row.Id)
                .Select(a => new { a.DecidedAt, a.ConversationId, a.Sender }).ToListAsync(ct))
            .Select(a => new PastAcknowledgement(a.DecidedAt!.Value, a.ConversationId, a.Sender)).ToList();
        var facts = new AcknowledgementFacts(promise, message.ChannelKind, conversationId, message.CounterpartAddress, message.Subject, message.Text,
            IsBackfill: message.IsBackfill, PersonReplied: personReplied, AlreadyAcknowledged: stored.AcknowledgementMessageId is not null, Recent: recent);
        var decision = AcknowledgementPolicy.Decide(facts, agreement, ourHours, now);

        switch (decision.Action)
        {
            case AcknowledgementAction.Wait:
                row.Wait(decision.Reason, decision.At!.Value);
                break;
            case AcknowledgementAction.Skip:
                row.Skip(decision.Reason, now);
                break;
            default:
                var text = Acknowledgement.WriteFor(promise, agreement, calendar, now, message.ChannelKind, document.AcknowledgementFor(agreement.Language));
                QueuedMessage? queued;
                try
                {
                    queued = await queue.QueueAsync(new QueueRequest(clientId, null, null, ReplySubject(message.Subject), text, message.Id,
                        Purpose: MessagePurpose.Acknowledgement, IdempotencyKey: $"ack:message:{message.Id}"), ct);
                }
                catch (DomainRuleException e)
                {
                    // The channel cannot carry it (disconnected, cannot send): nothing to retry.
                    log.LogInformation("No acknowledgement for message {MessageId}: {Reason}", message.Id, e.Message);
                    row.Skip(AcknowledgementReason.SwitchedOffForChannel, now);
                    break;
                }
                if (queued is null) row.Skip(AcknowledgementReason.NoClient, now);
                else
                {
                    row.MarkSent(decision.Reason, queued.Message.Id, now);
                    stored.RecordAcknowledgement(queued.Message.Id);
                }
                break;
        }
        await SaveAsync(db, ct);
    }

    private async Task SaveAsync(LiaisonDb db, CancellationToken ct)
    {
        using (await turns.TakeAsync(ct))
            await db.SaveChangesAsync(ct);
    }

    /// <summary>"Re: Invoice" for mail (channels without subjects ignore it).</summary>
    private static string ReplySubject(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "Re: your message"
        : subject.TrimStart().StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? subject.Trim() : $"Re: {subject.Trim()}";
}
