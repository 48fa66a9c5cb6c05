using System.Text.Json;
using Liaison.Core;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using static Liaison.Server.Features.Calendar.WorkspaceCalendars;

namespace Liaison.Server.Features.Calendar;

/// <summary>
/// The workspace's own calendar: read by every member, edited by the owner (each edit a new version
/// in force from now), national holidays offered as a starting set, days off from iCalendar. With
/// <c>?member={id}</c>, that member's own calendar (their clients' promises are counted in it once
/// one is saved), edited by the owner or by the member themselves.
/// </summary>
public static class CalendarApi
{
    public static RouteGroupBuilder MapCalendar(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/calendar").WithTags("Calendar");
        g.MapGet("/", Get)
            .WithDescription("Our zone, working hours, days off and check windows in force now, with the list of versions. stored=false while none was saved (the default calendar, version 0). "
                + "?member={id}: that member's own calendar; followsWorkspace=true while they have none (the workspace's is returned).");
        g.MapPut("/", Save).Accepts<OurCalendar>("application/json")
            .WithDescription("Stores the calendar as a new version in force from now; promises for messages that arrived before keep the version they were made under. "
                + "The workspace's: the owner only. ?member={id}: that member's own, by the owner or the member.");
        g.MapGet("/holidays", (string? country, int? year, IClock clock) =>
                TypedResults.Ok(NationalHolidays.For(country, year ?? clock.GetCurrentInstant().InUtc().Year)))
            .WithDescription("National public holidays offered as days off: country PL, BG, RU or UA; year (default this year). Nothing is stored: add them with PUT.");
        g.MapPost("/days-off/import", ImportDaysOff).DisableAntiforgery()
            .WithDescription("An .ics file as multipart 'file' or as a text/calendar body; its days off from today on, two years ahead, are added as a new version. A file that cannot be read changes nothing. ?member={id} as for PUT.");
        return api;
    }

    public static async Task<Results<Ok<CalendarView>, NotFound>> Get(long? member, HttpRequest request, LiaisonDb db, CancellationToken ct)
    {
        var workspaceId = request.HttpContext.User.WorkspaceId();
        if (member is { } id && !await IsMemberAsync(db, workspaceId, id, ct)) return TypedResults.NotFound();
        return TypedResults.Ok(await CurrentAsync(db, workspaceId, member, ct));
    }

    public static async Task<Results<Ok<CalendarView>, NotFound, ProblemHttpResult>> Save(long? member, HttpRequest request, LiaisonDb db, IClock clock, CancellationToken ct)
    {
        var user = request.HttpContext.User;
        if (await RefusedAsync(member, user, db, ct) is { } refused) return refused;
        var calendar = await ReadCalendarAsync(request, ct);
        return TypedResults.Ok(await SaveAsync(db, user.WorkspaceId(), member, calendar, user.MemberId(), clock.GetCurrentInstant(), ct));
    }

    /// <summary>Who edits which calendar: the workspace's, only the owner; a member's own, the owner or that member.</summary>
    private static async Task<Results<Ok<CalendarView>, NotFound, ProblemHttpResult>?> RefusedAsync(long? member, System.Security.Claims.ClaimsPrincipal user, LiaisonDb db, CancellationToken ct)
    {
        if (member is { } id && !await IsMemberAsync(db, user.WorkspaceId(), id, ct)) return TypedResults.NotFound();
        var isOwner = user.IsInRole(nameof(Core.Workspaces.MemberRole.Owner));
        if (isOwner || (member is { } own && own == user.MemberId())) return null;
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: member is null ? "Only the owner edits the workspace's calendar." : "Only the owner or the member edits a member's own calendar.",
            extensions: new Dictionary<string, object?> { ["rule"] = "calendar.edit.forbidden" });
    }

    private static Task<bool> IsMemberAsync(LiaisonDb db, long workspaceId, long memberId, CancellationToken ct) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Members, m => m.Id == memberId && m.WorkspaceId == workspaceId, ct);

    /// <summary>
    /// Reads the body here rather than through parameter binding, so that a term that cannot be read
    /// (a time that is not a time) is a problem naming its path ("workingHours.monday[0].start").
    /// </summary>
    public static async Task<OurCalendar> ReadCalendarAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<OurCalendar>(request.Body, AgreementJson.Options, ct)
                ?? throw new DomainRuleException("calendar.required", "Send the calendar.", "timeZone");
        }
        catch (JsonException e)
        {
            // A missing required member reports no path; the only required one is the zone.
            var path = e.Path is null or "$" ? "timeZone" : e.Path.TrimStart('$', '.');
            throw new DomainRuleException("calendar.unreadable", $"The calendar cannot be read at {path}: {e.Message}", path);
        }
    }

    public static async Task<Results<Ok<CalendarView>, NotFound, ProblemHttpResult>> ImportDaysOff(long? member, HttpRequest request, LiaisonDb db, IClock clock, CancellationToken ct)
    {
        var user = request.HttpContext.User;
        if (await RefusedAsync(member, user, db, ct) is { } refused) return refused;
        string text;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files["file"] ?? throw new DomainRuleException("ical.missing", "Attach the .ics file as 'file'.", "file");
            if (file.Length > ICalendarDaysOff.MaxTextLength) throw TooLarge();
            text = await ReadIcsAsync(file.OpenReadStream(), ct);
        }
        else
        {
            if (request.ContentLength > ICalendarDaysOff.MaxTextLength) throw TooLarge();
            text = await ReadIcsAsync(request.Body, ct);
        }
        return TypedResults.Ok(await ImportDaysOffAsync(db, user.WorkspaceId(), member, text, user.MemberId(), clock.GetCurrentInstant(), ct));
    }

    // Reads at most one character past the limit, so a huge body is refused without being held.
    private static async Task<string> ReadIcsAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[ICalendarDaysOff.MaxTextLength + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        if (read > ICalendarDaysOff.MaxTextLength) throw TooLarge();
        return new string(buffer, 0, read);
    }

    private static AgreementRuleException TooLarge() =>
        new("ical.too-large", $"An iCalendar file is at most {ICalendarDaysOff.MaxTextLength / 1024} KB; export only the calendar of days off.", "daysOff.calendar");
}
