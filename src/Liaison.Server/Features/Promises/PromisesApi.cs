using System.Security.Claims;
using Liaison.Core;
using Liaison.Core.Promises;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Liaison.Server.Features.Calendar;
using Liaison.Server.Features.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>
/// The queue and what one does with a waiting message: no answer needed, snooze until the next
/// check window, hand to a team member, mark urgent. Replying is sending a message
/// (<c>POST /api/clients/{id}/messages</c> with <c>inReplyToMessageId</c>): the reply answers the promise.
/// A team member sees and acts on the promises of the clients they are responsible for and those
/// handed to them; any other promise is 404 to them.
/// </summary>
public static class PromisesApi
{
    /// <param name="Until">when the snooze ends; left out, the next check window.</param>
    public sealed record SnoozeRequest(string? Until);

    /// <param name="MemberId">left out, the client's responsible person. Only the owner may name someone else (seed 001: only the responsible person accepts work from the client).</param>
    public sealed record HandRequest(long? MemberId);

    /// <summary>Where the owner stands against the check windows (<see cref="CheckSession"/>).</summary>
    public sealed record SessionView(bool FocusMode, bool IsOpen, Instant? OpenedAt, Instant? ClosesAt, Instant? NextOpensAt, Instant? DigestSince);

    /// <summary>What arrived since the window before this check session, in one summary.</summary>
    public sealed record DigestView(Instant Since, int Messages, int Urgent, IReadOnlyList<DigestClient> Clients);

    public sealed record DigestClient(long ClientId, string Name, int Messages);

    /// <param name="Items">the open promises, by due. Focus mode is the pages' rule: the API always lists them.</param>
    public sealed record QueueView(SessionView Session, int Waiting, int Urgent, DigestView? Digest, IReadOnlyList<QueueItem> Items);

    public static RouteGroupBuilder MapPromises(this RouteGroupBuilder api)
    {
        api.MapGet("/queue", async (LiaisonDb db, ClaimsPrincipal user, IClock clock, int? limit, bool? snoozed, CancellationToken ct) =>
            TypedResults.Ok(await QueueAsync(db, PromiseScope.Of(user), user.WorkspaceId(), clock.GetCurrentInstant(), RequestValues.Limit(limit, 200, 1000), snoozed ?? false, ct)))
            .WithTags("Promises")
            .WithDescription("Every open promise the caller may act on, across clients and channels, by due; with the check session and the digest of what arrived since the window before.");

        var promises = api.MapGroup("/promises").WithTags("Promises");
        promises.MapGet("/{id:long}", async Task<Results<Ok<PromiseView>, NotFound>> (long id, LiaisonDb db, ClaimsPrincipal user, IClock clock, CancellationToken ct) =>
            await PromiseBook.FindAsync(db, PromiseScope.Of(user), id, ct) is { } p ? TypedResults.Ok(PromiseView.From(p, clock.GetCurrentInstant())) : TypedResults.NotFound());
        promises.MapPost("/{id:long}/no-answer-needed", (long id, LiaisonDb db, ClaimsPrincipal user, IClock clock, LiveUpdates live, CancellationToken ct) =>
            ActAsync(db, user, id, clock.GetCurrentInstant(), live, (p, now) => { p.CloseAsNoAnswerNeeded(user.MemberId(), now); return Task.CompletedTask; }, ct))
            .WithDescription("The message needs no answer: it leaves the queue and counts neither kept nor broken.");
        promises.MapPost("/{id:long}/snooze", (long id, SnoozeRequest? request, LiaisonDb db, ClaimsPrincipal user, IClock clock, LiveUpdates live, CancellationToken ct) =>
            ActAsync(db, user, id, clock.GetCurrentInstant(), live, async (p, now) => p.Snooze(await SnoozeEndAsync(db, user.WorkspaceId(), user.MemberId(), request?.Until, now, ct), now), ct))
            .WithDescription("Out of the queue until the next check window (or 'until'). A new message from the client in the same conversation ends the snooze at once. The due time does not move.");
        promises.MapPost("/{id:long}/hand", (long id, HandRequest? request, LiaisonDb db, ClaimsPrincipal user, IClock clock, LiveUpdates live, CancellationToken ct) =>
            ActAsync(db, user, id, clock.GetCurrentInstant(), live, (p, now) => HandAsync(db, user, p, request?.MemberId, now, ct), ct))
            .WithDescription("Hands the message to the client's responsible person, or (the owner only) to a member named by memberId.");
        promises.MapPost("/{id:long}/urgent", (long id, LiaisonDb db, ClaimsPrincipal user, IClock clock, LiveUpdates live, CancellationToken ct) =>
            ActAsync(db, user, id, clock.GetCurrentInstant(), live, async (p, now) =>
            {
                var schedule = await MakingPromises.ScheduleAsync(db, [], p.ClientId, user.WorkspaceId(), p.ReceivedAt, now, ct);
                p.MarkUrgent(schedule);
            }, ct))
            .WithDescription("Marks the message urgent: due again from its arrival with the urgent term of the same agreement and calendar versions.");
        api.MapGet("/clients/{clientId:long}/promises", async Task<Results<Ok<List<PromiseView>>, NotFound>> (long clientId, LiaisonDb db, IClock clock, int? limit, CancellationToken ct) =>
            await db.Clients.AnyAsync(c => c.Id == clientId, ct)
                ? TypedResults.Ok(await PromiseBook.OfClientAsync(db, clientId, clock.GetCurrentInstant(), RequestValues.Limit(limit, 100, 1000), ct))
                : TypedResults.NotFound())
            .WithTags("Promises");

        var markers = api.MapGroup("/urgency-markers").WithTags("Promises");
        markers.MapGet("/", async (LiaisonDb db, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await UrgencyMarkerLists.ListAsync(db, user.WorkspaceId(), ct)))
            .WithDescription("The words that make a message urgent, per language (whole words, any case, with or without diacritics).");
        markers.MapPut("/", async (UrgencyMarkerLists.Edit edit, LiaisonDb db, ClaimsPrincipal user, IClock clock, CancellationToken ct) =>
            TypedResults.Ok(await UrgencyMarkerLists.SaveAsync(db, user.WorkspaceId(), edit, clock.GetCurrentInstant(), ct)))
            .RequireAuthorization(AuthServices.OwnerPolicy)
            .WithDescription("Replaces the lists of the languages sent ({\"languages\":{\"pl\":[\"pilne\",\"na wczoraj\"]}}); the others stay.");
        return api;
    }

    public static async Task<QueueView> QueueAsync(LiaisonDb db, PromiseScope scope, long workspaceId, Instant now, int limit, bool withSnoozed, CancellationToken ct)
    {
        // The viewer's own check windows: a member who keeps their own calendar works by it.
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, workspaceId, scope.MemberId, now, ct);
        var session = FocusMode.At(WindowsOf(calendar), now);
        var (waiting, urgent) = await PromiseBook.WaitingAsync(db, scope, now, ct);
        var digest = session is { IsOpen: true, DigestSince: { } since } ? await DigestAsync(db, scope, since, now, ct) : null;
        var items = await PromiseBook.QueueAsync(db, scope, workspaceId, now, limit, ct, withSnoozed);
        return new QueueView(new SessionView(session.FocusModeOn, session.IsOpen, session.OpenedAt, session.ClosesAt, session.NextOpensAt, session.DigestSince),
            waiting, urgent, digest, items);
    }

    /// <summary>The waiting messages that arrived since <paramref name="since"/>, counted per client.</summary>
    public static async Task<DigestView> DigestAsync(LiaisonDb db, PromiseScope scope, Instant since, Instant now, CancellationToken ct)
    {
        var rows = await PromiseBook.Open(db, scope, now).Where(p => p.ReceivedAt >= since)
            .GroupBy(p => p.ClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Count(), Urgent = g.Count(p => p.Urgency == Core.Agreements.Urgency.Urgent) })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.ClientId).ToList();
        var names = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new DigestView(since, rows.Sum(r => r.Count), rows.Sum(r => r.Urgent),
            rows.OrderByDescending(r => r.Count).ThenBy(r => names[r.ClientId], StringComparer.Ordinal)
                .Select(r => new DigestClient(r.ClientId, Core.Text.TextSafety.Shown(names[r.ClientId]), r.Count)).ToList());
    }

    /// <summary>One action on a promise the caller may act on; 404 for one they may not see.</summary>
    private static async Task<Results<Ok<PromiseView>, NotFound>> ActAsync(LiaisonDb db, ClaimsPrincipal user, long id, Instant now, LiveUpdates live,
        Func<PromiseRecord, Instant, Task> act, CancellationToken ct)
    {
        var promise = await PromiseBook.FindAsync(db, PromiseScope.Of(user), id, ct);
        if (promise is null) return TypedResults.NotFound();
        await act(promise, now);
        await db.SaveChangesAsync(ct);
        live.PublishQueue();
        live.PublishTimeline(promise.ClientId);
        return TypedResults.Ok(PromiseView.From(promise, now));
    }

    /// <summary>The check windows of one calendar version, compiled.</summary>
    public static CheckWindowSchedule WindowsOf(Core.Calendars.OurCalendar calendar) =>
        new(DateTimeZoneProviders.Tzdb[calendar.TimeZone], calendar.CheckWindows, calendar.DaysOff);

    /// <summary>The end of a snooze: the time asked for, else the next check window after now.</summary>
    /// <param name="memberId">who snoozes it: until their next check window (their own calendar's where they keep one).</param>
    public static async Task<Instant> SnoozeEndAsync(LiaisonDb db, long workspaceId, long? memberId, string? until, Instant now, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(until)) return RequestValues.Instant(until, "until");
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, workspaceId, memberId, now, ct);
        return WindowsOf(calendar).NextAtOrAfter(now + Duration.FromSeconds(1))
            ?? throw new DomainRuleException("promise.snooze.noWindow", "The calendar has no check windows to snooze until; name the time with 'until'.", "until");
    }

    /// <summary>Hands <paramref name="promise"/> to <paramref name="memberId"/>, or to the client's responsible person when null (the owner alone may name another).</summary>
    public static async Task HandAsync(LiaisonDb db, ClaimsPrincipal user, PromiseRecord promise, long? memberId, Instant now, CancellationToken ct) =>
        promise.HandTo(await HandeeAsync(db, user, promise, memberId, ct), now);

    /// <summary>
    /// Whom a promise goes to. Seed 001: only the client's responsible person accepts work from the
    /// client, so that is where it goes unless the owner names another member of the team.
    /// </summary>
    private static async Task<long> HandeeAsync(LiaisonDb db, ClaimsPrincipal user, PromiseRecord promise, long? memberId, CancellationToken ct)
    {
        var responsible = await db.Clients.Where(c => c.Id == promise.ClientId).Select(c => c.ResponsibleMemberId).FirstOrDefaultAsync(ct);
        var target = memberId ?? responsible
            ?? throw new DomainRuleException("promise.hand.noResponsible", "The client has no responsible person; name the member to hand it to.", "memberId");
        var isOwner = user.IsInRole(nameof(Core.Workspaces.MemberRole.Owner));
        if (!isOwner && target != responsible)
            throw new DomainRuleException("promise.hand.notResponsible", "Only the client's responsible person accepts work from the client; the owner may name someone else.", "memberId");
        var workspaceId = user.WorkspaceId();
        if (!await AccountsApi.Current(db).AnyAsync(m => m.Id == target && m.WorkspaceId == workspaceId, ct))
            throw new DomainRuleException("promise.hand.unknownMember", $"There is no member {target} in the team.", "memberId");
        return target;
    }

    /// <summary>Records that <paramref name="acknowledgementMessageId"/> acknowledged the promise (for the acknowledgement rules); false when there is no such promise.</summary>
    public static async Task<bool> RecordAcknowledgementAsync(LiaisonDb db, long promiseId, long acknowledgementMessageId, CancellationToken ct)
    {
        var promise = await db.Promises().FirstOrDefaultAsync(p => p.Id == promiseId, ct);
        if (promise is null) return false;
        promise.RecordAcknowledgement(acknowledgementMessageId);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
