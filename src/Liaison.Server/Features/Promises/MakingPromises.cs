using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Messages;
using Liaison.Core.Promises;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Calendar;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>
/// Makes, answers and moves stored promises as messages are recorded, placed, queued and merged.
/// Every caller runs inside the transaction that records the messages; those who should know
/// (<see cref="Inbound.LiveUpdates.PromisesMade"/>) learn of new promises once it commits.
/// </summary>
public static class MakingPromises
{
    /// <summary>
    /// A promise for each of <paramref name="messages"/> (tracked, saved, placed with a client) that is
    /// a live inbound message needing an answer and has none yet. Each is counted under the client's
    /// agreement version and the calendar version (the responsible member's own, else the workspace's) in force when it arrived
    /// (<see cref="ClientAgreements.InForceAtAsync(LiaisonDb, long, Instant, Instant, CancellationToken)"/>,
    /// <see cref="WorkspaceCalendars.InForceAtAsync"/>, as the promise preview is). Backfill never gets one.
    /// </summary>
    public static async Task<IReadOnlyList<PromiseRecord>> MakeAsync(LiaisonDb db, IReadOnlyCollection<Message> messages, Instant now, CancellationToken ct)
    {
        var candidates = messages.Where(m => m is { Direction: MessageDirection.Inbound, NeedsAnswer: true, IsBackfill: false, ClientId: not null, ConversationId: not null } && m.Id != 0).ToList();
        if (candidates.Count == 0) return [];
        var ids = candidates.Select(m => m.Id).ToList();
        var promised = (await db.Promises().AsNoTracking().Where(p => ids.Contains(p.MessageId)).Select(p => p.MessageId).ToListAsync(ct)).ToHashSet();
        candidates.RemoveAll(m => promised.Contains(m.Id));
        if (candidates.Count == 0) return [];

        var clientIds = candidates.Select(m => m.ClientId!.Value).Distinct().ToList();
        var workspaces = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.WorkspaceId, ct);
        var contactIds = candidates.Where(m => m.ContactId is not null).Select(m => m.ContactId!.Value).Distinct().ToList();
        var vips = (await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id) && c.IsVip).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var markers = new Dictionary<long, UrgencyMarkers>();
        var schedules = new Dictionary<(long ClientId, int Agreement, int Calendar), PromiseSchedule>();

        var made = new List<PromiseRecord>(candidates.Count);
        foreach (var message in candidates)
        {
            var clientId = message.ClientId!.Value;
            var workspaceId = workspaces[clientId];
            if (!markers.TryGetValue(workspaceId, out var markersOfWorkspace))
                markers[workspaceId] = markersOfWorkspace = await UrgencyMarkerLists.ForWorkspaceAsync(db, workspaceId, ct);
            // Counted from when it reached us, and never from a time the sender's clock put in the future.
            var received = message.OccurredAt < message.RecordedAt ? message.OccurredAt : message.RecordedAt;
            var schedule = await ScheduleAsync(db, schedules, clientId, workspaceId, received, now, ct);
            var urgency = PromiseUrgency.Assess(schedule.Agreement, message.ChannelKind, message.ContactId is { } contact && vips.Contains(contact),
                message.SenderMarkedUrgent, message.Text, markersOfWorkspace);
            var record = new PromiseRecord(message, schedule.PromiseFor(received, message.ChannelKind, urgency.Urgency), urgency,
                schedule.Agreement.ClientTimeZone, schedule.Agreement.Language, now);
            db.Promises().Add(record);
            made.Add(record);
        }
        await db.SaveChangesAsync(ct);
        PromiseNotices.Note(db, made);
        return made;
    }

    /// <summary>The schedule of the versions in force at <paramref name="received"/>, compiled once per pair of versions.</summary>
    public static async Task<PromiseSchedule> ScheduleAsync(LiaisonDb db, Dictionary<(long ClientId, int Agreement, int Calendar), PromiseSchedule> compiled,
        long clientId, long workspaceId, Instant received, Instant now, CancellationToken ct)
    {
        var agreement = (await ClientAgreements.InForceAtAsync(db, clientId, received, now, ct))!.Terms;
        // The responsible person's own calendar where they keep one, else the workspace's.
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, workspaceId, agreement.ResponsibleMemberId, received, ct);
        var key = (clientId, agreement.Version, calendar.Version);
        if (!compiled.TryGetValue(key, out var schedule)) compiled[key] = schedule = new PromiseSchedule(agreement, calendar);
        return schedule;
    }

    /// <summary>
    /// The client wrote again in these conversations: their snoozed promises are back in the queue
    /// now, not at the end of the snooze (a new message may change what the old one needs).
    /// </summary>
    public static Task<int> EndSnoozesAsync(LiaisonDb db, IReadOnlyCollection<long> conversationIds, CancellationToken ct) =>
        conversationIds.Count == 0
            ? Task.FromResult(0)
            : db.Promises().Where(p => p.SnoozedUntil != null && p.AnsweredAt == null && conversationIds.Contains(p.ConversationId))
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.SnoozedUntil, (Instant?)null), ct);

    /// <summary>
    /// The promises of <paramref name="conversationIds"/> answered by a person's message: the first
    /// outbound message in the conversation at or after the promised one that no automatic rule sent
    /// (<see cref="Message.IsAutomatic"/>: an acknowledgement answers nothing). The same rule as
    /// "needs answer" (<see cref="Messages.MessagePlacement.MarkAnsweredAsync"/>), which calls this.
    /// </summary>
    public static async Task AnswerAsync(LiaisonDb db, IReadOnlyCollection<long> conversationIds, CancellationToken ct)
    {
        if (conversationIds.Count == 0) return;
        var open = await db.Promises().Where(p => p.AnsweredAt == null && conversationIds.Contains(p.ConversationId))
            .Join(db.Messages, p => p.MessageId, m => m.Id, (p, m) => new { Promise = p, m.OccurredAt })
            .ToListAsync(ct);
        if (open.Count == 0) return;
        var from = open.Min(o => o.OccurredAt);
        var replies = await db.Messages.AsNoTracking()
            .Where(o => o.ConversationId != null && conversationIds.Contains(o.ConversationId.Value) && o.Direction == MessageDirection.Outbound && !o.IsAutomatic && o.OccurredAt >= from)
            .Select(o => new { o.Id, ConversationId = o.ConversationId!.Value, o.OccurredAt })
            .ToListAsync(ct);
        if (replies.Count == 0) return;
        foreach (var o in open)
        {
            var reply = replies.Where(r => r.ConversationId == o.Promise.ConversationId && r.OccurredAt >= o.OccurredAt)
                .OrderBy(r => r.OccurredAt).ThenBy(r => r.Id).FirstOrDefault();
            if (reply is not null) o.Promise.Answer(reply.Id, reply.OccurredAt);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Tracked <paramref name="messages"/> moved to another client or conversation: their promises follow.</summary>
    public static async Task FollowAsync(LiaisonDb db, IReadOnlyCollection<Message> messages, CancellationToken ct)
    {
        var placed = messages.Where(m => m.ClientId is not null && m.ConversationId is not null && m.Id != 0).ToDictionary(m => m.Id);
        if (placed.Count == 0) return;
        var ids = placed.Keys.ToList();
        foreach (var promise in await db.Promises().Where(p => ids.Contains(p.MessageId)).ToListAsync(ct))
        {
            var m = placed[promise.MessageId];
            promise.Follow(m.ClientId!.Value, m.ConversationId!.Value);
        }
    }

    /// <summary>An early reply's conversation joined another: its promises move with its messages.</summary>
    public static Task<int> MoveConversationAsync(LiaisonDb db, long fromConversationId, long toConversationId, CancellationToken ct) =>
        db.Promises().Where(p => p.ConversationId == fromConversationId)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.ConversationId, toConversationId), ct);
}
