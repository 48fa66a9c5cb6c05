using Liaison.Core;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Server.Components.Shared;
using Liaison.Server.Data;
using Liaison.Server.Features;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Calendar;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Components.Pages.Agreements;

/// <summary>
/// The editor for one client's working agreement. Reads and saves through
/// <see cref="ClientAgreements"/>, the same use cases the REST API calls; the preview uses
/// <see cref="PromisePreview"/> on the unsaved draft and the calendar in force now (the responsible person's own, else the workspace's).
/// </summary>
public partial class AgreementPage
{
    [Parameter] public long Id { get; set; }
    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }

    private string? clientName;
    private OurCalendar? calendar;
    private ClientAgreements.AgreementView? view;
    private AgreementDraft? draft;
    private AgreementDocument? document;
    private string? draftError;
    private List<ClientAgreements.VersionView> versions = [];
    private IReadOnlyList<AgreementChange>? changes;
    private string responsibleName = "";
    private bool saving;
    private readonly FieldErrors errors = new();
    private readonly Dictionary<string, IReadOnlyList<string>> suggestions = [];

    protected override async Task OnReadyAsync()
    {
        await using var db = await Dbs.CreateDbContextAsync();
        var client = await db.Clients.Where(c => c.Id == Id).Select(c => new { c.Name, c.WorkspaceId }).FirstOrDefaultAsync();
        clientName = client?.Name;
        await LoadAsync(db);
        // The responsible person's own calendar where they keep one: their clients' promises are counted in it.
        if (client is not null) calendar = await WorkspaceCalendars.InForceAtAsync(db, client.WorkspaceId, view?.Terms.ResponsibleMemberId, Now, default);
    }

    private async Task LoadAsync(LiaisonDb db)
    {
        view = await ClientAgreements.CurrentAsync(db, Id, Now, default);
        if (view is null) return;
        draft = AgreementDraft.From(view.Terms, view.Acknowledgements);
        versions = await ClientAgreements.VersionsAsync(db, Id, Now, default) ?? [];
        responsibleName = await ClientAgreements.ResponsibleNameAsync(db, Id, view.Terms.ResponsibleMemberId, default);
        Rebuild();
    }

    /// <summary>After any edit: the draft as a document for the preview, or why it can't be one yet.</summary>
    private void Changed() => Rebuild();

    private void Rebuild()
    {
        if (draft is null) return;
        try
        {
            document = draft.ToDocument();
            draftError = null;
        }
        catch (DomainRuleException e)
        {
            document = null;
            draftError = e.Message;
        }
    }

    private void ToggleAccepted(string kind)
    {
        if (!draft!.Accepted.Remove(kind)) draft.Accepted.Add(kind);
        if (!draft.Accepted.Contains(draft.Preferred) && draft.Accepted.Count > 0) draft.Preferred = draft.Accepted.Order().First();
        Changed();
    }

    private void RemoveAt<T>(List<T> list, T item)
    {
        list.Remove(item);
        Changed();
    }

    private async Task SaveAsync()
    {
        if (draft is null) return;
        errors.Clear();
        suggestions.Clear();
        changes = null;
        saving = true;
        try
        {
            var memberId = Auth is null ? null : (await Auth).User.MemberId();
            await using var db = await Dbs.CreateDbContextAsync();
            var saved = await ClientAgreements.SaveAsync(db, Id, draft.ToDocument(), memberId, Now, default);
            if (saved is null) return;
            await LoadAsync(db);
            changes = saved.Changes;
        }
        catch (DomainRuleException rule)
        {
            errors.Add(rule);
            if (rule is AgreementRuleException { Field: { } field, Suggestions.Count: > 0 } withSuggestions)
                suggestions[field] = withSuggestions.Suggestions;
        }
        catch (DbUpdateException)
        {
            errors.Add("", "Someone saved this agreement at the same moment; reload the page to see their version.");
        }
        finally
        {
            saving = false;
        }
    }

    private IReadOnlyList<string> SuggestionsFor(string field) => suggestions.GetValueOrDefault(field) ?? [];

    /// <summary>Fields the form shows next to their input; any other error is shown at the top.</summary>
    private string[] ShownFields()
    {
        var shown = new List<string> { "clientTimeZone", "channels.accepted", "channels.preferred", "responseTimes", "reports.times", "reports.weekday" };
        foreach (var day in AgreementDraft.Week) shown.Add($"contactHours.{AgreementDraft.DayName(day)}");
        for (var i = 0; i < draft?.ResponseTimes.Count; i++) shown.Add($"responseTimes[{i}]");
        foreach (var l in Agreement.Languages) shown.AddRange([$"acknowledgement.{l}", $"acknowledgement.{l}.sameZone"]);
        return [.. shown];
    }
}
