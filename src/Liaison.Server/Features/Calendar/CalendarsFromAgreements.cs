using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Core.Calendars;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Calendar;

/// <summary>
/// The step that moved our zone, working hours, days off and check windows out of every client's
/// agreement into the workspace's calendar. Agreement documents stored before then still carry those
/// terms (<c>ourTimeZone</c>, <c>workingHours</c>, <c>daysOff</c>, <c>checkWindows</c>); they are left in
/// the stored rows, untouched, so no version is lost, and the agreement reader ignores them. This
/// step reads them once.
/// </summary>
/// <remarks>
/// Runs at every start after the schema migrations, and does something only for a workspace that has
/// no calendar yet but has stored agreement documents of the old shape: it stores calendar version 1
/// from the workspace template's calendar terms, or else from its first client agreement's (the
/// same source new agreements were started from). That version is in force since the Unix epoch,
/// so a message that arrived under an old agreement version is promised exactly as before. A data
/// step in C# rather than SQL in a migration: it reads JSON the same way on both providers, and
/// survives the migrations being squashed.
/// </remarks>
public static class CalendarsFromAgreements
{
    public static async Task<int> MoveAsync(LiaisonDb db, Instant now, CancellationToken ct = default)
    {
        var without = await db.Workspaces.AsNoTracking()
            .Where(w => !db.CalendarVersions.Any(v => v.WorkspaceId == w.Id)).Select(w => w.Id).ToListAsync(ct);
        var moved = 0;
        foreach (var workspaceId in without)
        {
            if (await FromStoredAgreementsAsync(db, workspaceId, ct) is not { } calendar) continue;
            db.CalendarVersions.Add(new CalendarVersionRecord(workspaceId, null, calendar with { Version = 1, EffectiveFrom = Instant.FromUnixTimeTicks(0) }, now, null));
            moved++;
        }
        if (moved > 0) await db.SaveChangesAsync(ct);
        return moved;
    }

    private static async Task<OurCalendar?> FromStoredAgreementsAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var template = await db.AgreementTemplates.AsNoTracking().Where(t => t.WorkspaceId == workspaceId).Select(t => t.Document).FirstOrDefaultAsync(ct);
        if (template is not null && Read(template) is { } fromTemplate) return fromTemplate;
        var clients = db.Clients.Where(c => c.WorkspaceId == workspaceId).Select(c => c.Id);
        var first = await db.AgreementVersions.AsNoTracking().Where(v => clients.Contains(v.ClientId))
            .OrderBy(v => v.EffectiveFrom).ThenBy(v => v.Id).Select(v => v.Document).FirstOrDefaultAsync(ct);
        return first is null ? null : Read(first);
    }

    /// <summary>
    /// The calendar terms of an agreement document of the old shape, with the old defaults for terms
    /// it left out (they are the calendar's defaults too); null for a document of the new shape.
    /// </summary>
    public static OurCalendar? Read(string agreementDocument)
    {
        try
        {
            if (JsonNode.Parse(agreementDocument)?["terms"] is not JsonObject terms || terms["ourTimeZone"] is not JsonValue zone) return null;
            var calendar = new JsonObject { ["timeZone"] = zone.DeepClone() };
            foreach (var name in (string[])["workingHours", "daysOff", "checkWindows"])
                if (terms[name] is { } value) calendar[name] = value.DeepClone();
            return calendar.Deserialize<OurCalendar>(AgreementJson.Options);
        }
        catch (JsonException)
        {
            return null; // not ours to repair: the next source (or the default calendar) serves
        }
    }
}
