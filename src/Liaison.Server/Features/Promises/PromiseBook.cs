using Liaison.Core.Agreements;
using Liaison.Core.Promises;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>Whose promises one may see and act on: the owner all; a team member those of the clients they are responsible for, and those handed to them.</summary>
public sealed record PromiseScope(long MemberId, bool IsOwner)
{
    public static PromiseScope Of(System.Security.Claims.ClaimsPrincipal user) =>
        new(user.MemberId() ?? 0, user.IsInRole(nameof(Core.Workspaces.MemberRole.Owner)));
}

/// <summary>One stored promise as the API and the pages show it.</summary>
/// <param name="State">open, kept, broken or noAnswerNeeded (<see cref="PromiseState"/>), as of the moment it was read.</param>
/// <param name="DueInClientZone">the due instant in the client's zone (under the agreement version it was counted in).</param>
public sealed record PromiseView(
    long Id, long MessageId, long ClientId, long ConversationId, long ChannelId, string Channel,
    Instant ReceivedAt, Instant DueAt, ZonedTime DueInClientZone, Urgency Urgency, UrgencyReason UrgencyReason, string? UrgencyMarker,
    int AgreementVersion, int CalendarVersion, string Language, PromiseState State,
    long? AcknowledgementMessageId, Instant? AnsweredAt, long? AnsweredByMessageId, Instant? ClosedAt, long? ClosedByMemberId,
    Instant? SnoozedUntil, long? HandedToMemberId)
{
    public static PromiseView From(PromiseRecord p, Instant now) => new(
        p.Id, p.MessageId, p.ClientId, p.ConversationId, p.ChannelId, p.ChannelKind.Value,
        p.ReceivedAt, p.DueAt, ZonedTime.Of(p.DueAt, p.ClientTimeZone), p.Urgency, p.UrgencyReason, p.UrgencyMarker,
        p.AgreementVersion, p.CalendarVersion, p.Language, p.StateAt(now),
        p.AcknowledgementMessageId, p.AnsweredAt, p.AnsweredByMessageId, p.ClosedAt, p.ClosedByMemberId,
        p.IsSnoozedAt(now) ? p.SnoozedUntil : null, p.HandedToMemberId);
}

/// <summary>An open promise in the queue: the promise, its message and its client, ready to show.</summary>
/// <param name="LeftMinutes">minutes until due (negative: overdue).</param>
/// <param name="AtRisk">less than an hour is left (or it is overdue).</param>
/// <param name="ClientNow">the client's local time now, in their zone.</param>
/// <param name="Voice">the message carries a voice message or other audio.</param>
public sealed record QueueItem(
    PromiseView Promise, string ClientName, string? From, string? Subject, string Snippet, bool Voice,
    long LeftMinutes, bool AtRisk, ZonedTime DueInOurZone, ZonedTime ClientNow);

/// <summary>
/// Stored promises read for others: the queue (open promises across clients and channels by due),
/// a client's promises, the promise of each message on a timeline. What the acknowledgement rules,
/// the pages and the API call; they never read the table themselves.
/// </summary>
public static class PromiseBook
{
    /// <summary>"At risk": less than this is left.</summary>
    public static readonly Duration AtRiskWithin = Duration.FromHours(1);

    /// <summary>The longest snippet of a message in the queue.</summary>
    public const int SnippetLength = 160;

    /// <summary>Open promises <paramref name="scope"/> may see, by due (then by arrival); snoozed ones only when asked for.</summary>
    public static IQueryable<PromiseRecord> Open(LiaisonDb db, PromiseScope scope, Instant now, bool withSnoozed = false)
    {
        var open = db.Promises().AsNoTracking().Where(p => p.AnsweredAt == null && p.ClosedAt == null);
        if (!withSnoozed) open = open.Where(p => p.SnoozedUntil == null || p.SnoozedUntil <= now);
        if (!scope.IsOwner)
        {
            var me = scope.MemberId;
            open = open.Where(p => p.HandedToMemberId == me
                || (p.HandedToMemberId == null && db.Clients.Any(c => c.Id == p.ClientId && c.ResponsibleMemberId == me)));
        }
        // Archived clients' messages still wait: archiving is not answering.
        return open.OrderBy(p => p.DueAt).ThenBy(p => p.ReceivedAt).ThenBy(p => p.Id);
    }

    /// <summary>The queue: up to <paramref name="limit"/> open promises with what the owner needs to decide, by due.</summary>
    public static async Task<List<QueueItem>> QueueAsync(LiaisonDb db, PromiseScope scope, long workspaceId, Instant now, int limit, CancellationToken ct, bool withSnoozed = false)
    {
        var rows = await Open(db, scope, now, withSnoozed).Take(limit)
            .Join(db.Messages, p => p.MessageId, m => m.Id, (p, m) => new { p, m })
            .Join(db.Clients, x => x.p.ClientId, c => c.Id, (x, c) => new
            {
                Promise = x.p,
                Client = c.Name,
                From = db.Contacts.Where(k => k.Id == x.m.ContactId).Select(k => k.Name).FirstOrDefault(),
                x.m.Subject,
                Snippet = x.m.Text.Substring(0, SnippetLength + 1),
                Voice = db.Attachments.Any(a => a.MessageId == x.m.Id && a.ContentType.StartsWith("audio/"))
                    || db.Set<Attachments.PendingAttachment>().Any(a => a.MessageId == x.m.Id && a.ContentType.StartsWith("audio/")),
            })
            .ToListAsync(ct);
        var ourZone = (await Calendar.WorkspaceCalendars.InForceAtAsync(db, workspaceId, scope.MemberId, now, ct)).TimeZone;
        // Take() before the joins keeps the query's order only by luck of the plan: order again here.
        return rows.OrderBy(r => r.Promise.DueAt).ThenBy(r => r.Promise.ReceivedAt).ThenBy(r => r.Promise.Id)
            .Select(r => new QueueItem(PromiseView.From(r.Promise, now), Core.Text.TextSafety.Shown(r.Client), r.From is null ? null : Core.Text.TextSafety.Shown(r.From),
                r.Subject, Snip(r.Snippet), r.Voice,
                (long)Math.Floor((r.Promise.DueAt - now).TotalMinutes), r.Promise.DueAt - now < AtRiskWithin,
                ZonedTime.Of(r.Promise.DueAt, ourZone), ZonedTime.Of(now, r.Promise.ClientTimeZone)))
            .ToList();
    }

    /// <summary>How many open promises <paramref name="scope"/> may see wait (snoozed ones not counted), and how many of them are urgent.</summary>
    public static async Task<(int Waiting, int Urgent)> WaitingAsync(LiaisonDb db, PromiseScope scope, Instant now, CancellationToken ct)
    {
        var counts = await Open(db, scope, now).GroupBy(p => p.Urgency).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return (counts.Sum(c => c.Count), counts.Where(c => c.Key == Urgency.Urgent).Sum(c => c.Count));
    }

    /// <summary>A client's promises, newest first.</summary>
    public static async Task<List<PromiseView>> OfClientAsync(LiaisonDb db, long clientId, Instant now, int limit, CancellationToken ct) =>
        (await db.Promises().AsNoTracking().Where(p => p.ClientId == clientId).OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id).Take(limit).ToListAsync(ct))
            .Select(p => PromiseView.From(p, now)).ToList();

    /// <summary>The promise of each of <paramref name="messageIds"/> that has one.</summary>
    public static async Task<Dictionary<long, PromiseView>> ForMessagesAsync(LiaisonDb db, IReadOnlyCollection<long> messageIds, Instant now, CancellationToken ct) =>
        messageIds.Count == 0
            ? []
            : (await db.Promises().AsNoTracking().Where(p => messageIds.Contains(p.MessageId)).ToListAsync(ct)).ToDictionary(p => p.MessageId, p => PromiseView.From(p, now));

    /// <summary>One promise, tracked for a change, if <paramref name="scope"/> may act on it; null otherwise (the caller answers 404: no hint that it exists).</summary>
    public static async Task<PromiseRecord?> FindAsync(LiaisonDb db, PromiseScope scope, long promiseId, CancellationToken ct)
    {
        var promise = await db.Promises().FirstOrDefaultAsync(p => p.Id == promiseId, ct);
        if (promise is null || scope.IsOwner) return promise;
        if (promise.HandedToMemberId == scope.MemberId) return promise;
        var responsible = await db.Clients.Where(c => c.Id == promise.ClientId).Select(c => c.ResponsibleMemberId).FirstOrDefaultAsync(ct);
        return promise.HandedToMemberId is null && responsible == scope.MemberId ? promise : null;
    }

    private static string Snip(string text)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > SnippetLength ? text[..SnippetLength].TrimEnd() + "…" : text;
    }
}
