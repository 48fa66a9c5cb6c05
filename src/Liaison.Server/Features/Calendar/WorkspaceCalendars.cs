using Liaison.Core.Calendars;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Calendar;

/// <summary>
/// The workspace's own calendar over the database, called by the REST endpoints, the Calendar page
/// and the promise preview alike: the version in force at an instant, the current one with its
/// history, a new version from an edit or an .ics file, and the national holidays offered.
/// </summary>
/// <remarks>
/// A member who works other hours (another zone, part time, their own holidays) has their own
/// calendar: once one is saved for them, their clients' promises (the clients they are responsible
/// for) are counted in it, and every other client's in the workspace's. A member without one follows
/// the workspace's. Version numbers count per calendar.
/// </remarks>
public static class WorkspaceCalendars
{
    /// <param name="Stored">false while none was saved: the calendar is <see cref="OurCalendar.Default"/>, version 0 (for a member: the workspace's, which they follow).</param>
    /// <param name="MemberId">the member whose calendar was asked for; null for the workspace's.</param>
    /// <param name="FollowsWorkspace">a member without their own calendar: <paramref name="Calendar"/> is the workspace's.</param>
    public sealed record CalendarView(bool Stored, OurCalendar Calendar, IReadOnlyList<VersionView> Versions, long? MemberId = null, bool FollowsWorkspace = false);

    public sealed record VersionView(int Version, Instant EffectiveFrom, Instant CreatedAt, long? CreatedByMemberId);

    /// <summary>
    /// The version a message received at <paramref name="at"/> is promised under, for a client whose
    /// responsible person is <paramref name="memberId"/> (0 or null: none): that member's own calendar
    /// when they have one, else the workspace's. Before the first version took effect the first
    /// version is the best answer there is; with none stored, the default.
    /// </summary>
    public static async Task<OurCalendar> InForceAtAsync(LiaisonDb db, long workspaceId, long? memberId, Instant at, CancellationToken ct)
    {
        if (memberId is > 0 && await InForceAtAsync(Versions(db, workspaceId, memberId.Value), at, ct) is { } own) return own;
        return await InForceAtAsync(Versions(db, workspaceId, 0), at, ct) ?? OurCalendar.Default;
    }

    private static async Task<OurCalendar?> InForceAtAsync(IQueryable<CalendarVersionRecord> versions, Instant at, CancellationToken ct)
    {
        var row = await versions.Where(v => v.EffectiveFrom <= at).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct)
            ?? await versions.OrderBy(v => v.Version).FirstOrDefaultAsync(ct);
        return row?.Read();
    }

    private static IQueryable<CalendarVersionRecord> Versions(LiaisonDb db, long workspaceId, long scope) =>
        db.CalendarVersions.AsNoTracking().Where(v => v.WorkspaceId == workspaceId && v.Scope == scope);

    /// <summary>
    /// The newest version (every version takes effect when it is saved, so it is the one in force)
    /// and the list of versions: the workspace's, or <paramref name="memberId"/>'s own (the
    /// workspace's, marked as followed, while they have none).
    /// </summary>
    public static async Task<CalendarView> CurrentAsync(LiaisonDb db, long workspaceId, long? memberId, CancellationToken ct)
    {
        var rows = await Versions(db, workspaceId, memberId ?? 0).OrderBy(v => v.Version).ToListAsync(ct);
        if (memberId is not null && rows.Count == 0)
            return (await CurrentAsync(db, workspaceId, null, ct)) with { MemberId = memberId, FollowsWorkspace = true };
        var versions = rows.Select(r => new VersionView(r.Version, r.EffectiveFrom, r.CreatedAt, r.CreatedByMemberId)).ToList();
        return new CalendarView(rows.Count > 0, rows.Count == 0 ? OurCalendar.Default : rows[^1].Read(), versions, memberId);
    }

    /// <summary>
    /// Stores <paramref name="changed"/> as the next version of the workspace's calendar, or of
    /// <paramref name="ofMemberId"/>'s own (their first is version 1), in force from now. Throws
    /// <see cref="Core.Agreements.AgreementRuleException"/> naming the field when a rule is broken;
    /// nothing is stored then.
    /// </summary>
    /// <param name="savedBy">the member who saves it.</param>
    public static async Task<CalendarView> SaveAsync(LiaisonDb db, long workspaceId, long? ofMemberId, OurCalendar changed, long? savedBy, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var current = await CurrentAsync(db, workspaceId, ofMemberId, ct);
        var basis = current.FollowsWorkspace ? OurCalendar.Default : current.Calendar;
        // Postgres keeps microseconds: the instant handed back must be the one read back later.
        var effectiveFrom = Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / 10 * 10);
        var next = basis.Revise(changed, effectiveFrom);
        db.CalendarVersions.Add(new CalendarVersionRecord(workspaceId, ofMemberId, next, effectiveFrom, savedBy));
        await db.SaveChangesAsync(ct);
        return await CurrentAsync(db, workspaceId, ofMemberId, ct);
    }

    /// <summary>
    /// Adds the days off of an iCalendar file (from today, two years ahead, in our zone) to the current
    /// calendar as a new version. A file that cannot be read throws before anything is stored.
    /// </summary>
    public static async Task<CalendarView> ImportDaysOffAsync(LiaisonDb db, long workspaceId, long? ofMemberId, string icsText, long? savedBy, Instant now, CancellationToken ct)
    {
        var current = (await CurrentAsync(db, workspaceId, ofMemberId, ct)).Calendar;
        var changed = current with { DaysOff = WithImportedDaysOff(current.DaysOff, icsText, current.TimeZone, now, ct) };
        return await SaveAsync(db, workspaceId, ofMemberId, changed, savedBy, now, ct);
    }

    /// <summary>
    /// <paramref name="daysOff"/> plus the days off read from an iCalendar file, from today (in
    /// <paramref name="ourTimeZone"/>) two years ahead; a day already listed is not added twice.
    /// </summary>
    public static List<DayOff> WithImportedDaysOff(IEnumerable<DayOff> daysOff, string icsText, string ourTimeZone, Instant now, CancellationToken ct = default)
    {
        var today = now.InZone(DateTimeZoneProviders.Tzdb.GetZoneOrNull(ourTimeZone) ?? DateTimeZone.Utc).Date;
        var imported = ICalendarDaysOff.Parse(icsText, new DateInterval(today, today.PlusYears(2)), ct);
        return WithDaysOff(daysOff, imported);
    }

    /// <summary>The two lists together in date order, each day off once (a holiday set offered twice adds nothing).</summary>
    public static List<DayOff> WithDaysOff(IEnumerable<DayOff> daysOff, IEnumerable<DayOff> added) =>
        daysOff.Concat(added).DistinctBy(d => (d.Start, d.End ?? d.Start, d.EveryYear)).OrderBy(d => d.Start).ToList();
}
