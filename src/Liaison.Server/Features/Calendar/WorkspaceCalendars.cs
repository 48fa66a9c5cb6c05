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
public static class WorkspaceCalendars
{
    /// <param name="Stored">false while the workspace has saved none: the calendar is <see cref="OurCalendar.Default"/>, version 0.</param>
    public sealed record CalendarView(bool Stored, OurCalendar Calendar, IReadOnlyList<VersionView> Versions);

    public sealed record VersionView(int Version, Instant EffectiveFrom, Instant CreatedAt, long? CreatedByMemberId);

    /// <summary>
    /// The version a message received at <paramref name="at"/> is promised under. Before the first
    /// version took effect the first version is the best answer there is; with none stored, the default.
    /// </summary>
    public static async Task<OurCalendar> InForceAtAsync(LiaisonDb db, long workspaceId, Instant at, CancellationToken ct)
    {
        var versions = db.CalendarVersions.AsNoTracking().Where(v => v.WorkspaceId == workspaceId);
        var row = await versions.Where(v => v.EffectiveFrom <= at).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct)
            ?? await versions.OrderBy(v => v.Version).FirstOrDefaultAsync(ct);
        return row?.Read() ?? OurCalendar.Default;
    }

    /// <summary>The newest version (every version takes effect when it is saved, so it is the one in force) and the list of versions.</summary>
    public static async Task<CalendarView> CurrentAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var rows = await db.CalendarVersions.AsNoTracking().Where(v => v.WorkspaceId == workspaceId).OrderBy(v => v.Version).ToListAsync(ct);
        var versions = rows.Select(r => new VersionView(r.Version, r.EffectiveFrom, r.CreatedAt, r.CreatedByMemberId)).ToList();
        return new CalendarView(rows.Count > 0, rows.Count == 0 ? OurCalendar.Default : rows[^1].Read(), versions);
    }

    /// <summary>
    /// Stores <paramref name="changed"/> as the workspace's next version, in force from now. Throws
    /// <see cref="Core.Agreements.AgreementRuleException"/> naming the field when a rule is broken;
    /// nothing is stored then.
    /// </summary>
    public static async Task<CalendarView> SaveAsync(LiaisonDb db, long workspaceId, OurCalendar changed, long? memberId, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var current = (await CurrentAsync(db, workspaceId, ct)).Calendar;
        // Postgres keeps microseconds: the instant handed back must be the one read back later.
        var effectiveFrom = Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / 10 * 10);
        var next = current.Revise(changed, effectiveFrom);
        db.CalendarVersions.Add(new CalendarVersionRecord(workspaceId, next, effectiveFrom, memberId));
        await db.SaveChangesAsync(ct);
        return await CurrentAsync(db, workspaceId, ct);
    }

    /// <summary>
    /// Adds the days off of an iCalendar file (from today, two years ahead, in our zone) to the current
    /// calendar as a new version. A file that cannot be read throws before anything is stored.
    /// </summary>
    public static async Task<CalendarView> ImportDaysOffAsync(LiaisonDb db, long workspaceId, string icsText, long? memberId, Instant now, CancellationToken ct)
    {
        var current = (await CurrentAsync(db, workspaceId, ct)).Calendar;
        var changed = current with { DaysOff = WithImportedDaysOff(current.DaysOff, icsText, current.TimeZone, now, ct) };
        return await SaveAsync(db, workspaceId, changed, memberId, now, ct);
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
