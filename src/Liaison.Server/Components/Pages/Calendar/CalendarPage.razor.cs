using Liaison.Core;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Workspaces;
using Liaison.Server.Components.Pages.Agreements;
using Liaison.Server.Components.Shared;
using Liaison.Server.Data;
using Liaison.Server.Features;
using Liaison.Server.Features.Calendar;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Components.Pages.Calendar;

/// <summary>
/// The workspace's own calendar: our zone, working hours, check windows and days off, with national
/// public holidays and .ics files as starting sets. Every member reads it; only the owner saves
/// (through <see cref="WorkspaceCalendars"/>, the use cases the REST API calls; the API refuses
/// anyone else too). With <c>?member=</c>, a member's own calendar, for one who works other hours:
/// the owner or that member saves it.
/// </summary>
public partial class CalendarPage
{
    private const long MaxIcsBytes = ICalendarDaysOff.MaxTextLength;

    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }
    [SupplyParameterFromQuery(Name = "member")] public long? Member { get; set; }

    /// <summary>Whose calendars this visitor may open: the workspace's, and every member's for the owner, their own for a team member.</summary>
    private List<(long Id, string Name)> members = [];
    private bool CanEdit => isOwner || (Member is { } id && id == memberId);

    private long workspaceId;
    private long? memberId;
    private bool isOwner;
    private WorkspaceCalendars.CalendarView? view;
    private CalendarDraft? draft;
    private string country = "PL";
    private int year;
    private bool saving;
    private bool saved;
    private readonly FieldErrors errors = new();
    private readonly Dictionary<string, IReadOnlyList<string>> suggestions = [];

    protected override async Task OnReadyAsync()
    {
        var user = (await Auth!).User;
        workspaceId = user.WorkspaceId();
        memberId = user.MemberId();
        isOwner = user.IsInRole(nameof(MemberRole.Owner));
        await using var db = await Dbs.CreateDbContextAsync();
        var all = await db.Members.AsNoTracking().Where(m => m.WorkspaceId == workspaceId).OrderBy(m => m.Id).Select(m => new { m.Id, m.DisplayName }).ToListAsync();
        members = all.Where(m => isOwner || m.Id == memberId).Select(m => (m.Id, m.DisplayName)).ToList();
        if (Member is { } asked && !members.Any(m => m.Id == asked)) Member = null;
        await LoadAsync(db);
        year = Now.InZone(Zone).Year;
    }

    private async Task LoadAsync(LiaisonDb db)
    {
        view = await WorkspaceCalendars.CurrentAsync(db, workspaceId, Member, default);
        draft = CalendarDraft.From(view.Calendar);
    }

    private async Task ShowAsync(ChangeEventArgs e)
    {
        Member = long.TryParse(e.Value?.ToString(), out var id) && id > 0 ? id : null;
        errors.Clear();
        saved = false;
        Navigation.NavigateTo(Member is { } m ? $"/calendar?member={m}" : "/calendar", replace: true);
        await using var db = await Dbs.CreateDbContextAsync();
        await LoadAsync(db);
    }

    private string Whose => Member is { } id ? members.FirstOrDefault(m => m.Id == id).Name ?? "" : "";

    private void Changed() => saved = false;

    private void SetWindows(IsoDayOfWeek day, ChangeEventArgs e)
    {
        draft!.CheckWindows[day] = e.Value?.ToString() ?? "";
        Changed();
    }

    private void RemoveDayOff(CalendarDraft.DayOffRow row)
    {
        draft!.DaysOff.Remove(row);
        Changed();
    }

    // Added to the draft, not stored: the owner sees the dates, removes what does not apply, and saves.
    private void AddHolidays()
    {
        errors.Clear();
        try
        {
            draft!.SetDaysOff(WorkspaceCalendars.WithDaysOff(draft.ToCalendar().DaysOff, NationalHolidays.For(country, year)));
            Changed();
        }
        catch (DomainRuleException rule)
        {
            errors.Add(rule);
        }
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        errors.Clear();
        try
        {
            using var reader = new StreamReader(e.File.OpenReadStream(MaxIcsBytes));
            var text = await reader.ReadToEndAsync();
            draft!.SetDaysOff(WorkspaceCalendars.WithImportedDaysOff(draft.ToCalendar().DaysOff, text, draft.TimeZone, Now));
            Changed();
        }
        catch (DomainRuleException rule)
        {
            errors.Add(rule);
        }
        catch (IOException io)
        {
            errors.Add("daysOff.calendar", $"The file could not be read: {io.Message}");
        }
    }

    private async Task SaveAsync()
    {
        if (draft is null || !CanEdit) return;
        errors.Clear();
        suggestions.Clear();
        saved = false;
        saving = true;
        try
        {
            await using var db = await Dbs.CreateDbContextAsync();
            await WorkspaceCalendars.SaveAsync(db, workspaceId, Member, draft.ToCalendar(), memberId, Now, default);
            await LoadAsync(db);
            saved = true;
        }
        catch (DomainRuleException rule)
        {
            errors.Add(rule);
            if (rule is AgreementRuleException { Field: { } field, Suggestions.Count: > 0 } withSuggestions)
                suggestions[field] = withSuggestions.Suggestions;
        }
        catch (DbUpdateException)
        {
            errors.Add("", "Someone saved the calendar at the same moment; reload the page to see their version.");
        }
        finally
        {
            saving = false;
        }
    }

    private IReadOnlyList<string> SuggestionsFor(string field) => suggestions.GetValueOrDefault(field) ?? [];

    private static string CountryName(string code) => code switch
    {
        "PL" => "Poland",
        "BG" => "Bulgaria",
        "RU" => "Russia",
        "UA" => "Ukraine",
        _ => code,
    };

    /// <summary>Fields the form shows next to their input; any other error is shown at the top.</summary>
    private string[] ShownFields()
    {
        var shown = new List<string> { "timeZone", "workingHours", "daysOff", "daysOff.calendar", "country", "year" };
        foreach (var day in AgreementDraft.Week)
        {
            var name = AgreementDraft.DayName(day);
            shown.AddRange([$"workingHours.{name}", $"checkWindows.{name}"]);
        }
        for (var i = 0; i < draft?.DaysOff.Count; i++) shown.Add($"daysOff[{i}]");
        return [.. shown];
    }
}
