using Liaison.Core;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Server.Data;
using Liaison.Server.Features.Calendar;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Agreements;

/// <summary>
/// The working agreement's use cases over the database, called by the REST endpoints and by the
/// owner's editor alike: read the version in force, save a new version, list versions, read and
/// replace the workspace template. Each returns null when the client does not exist. Promises and the
/// "how we work together" document also read the workspace's calendar version (<see cref="WorkspaceCalendars"/>).
/// </summary>
public static class ClientAgreements
{
    /// <param name="Stored">false while the client has no stored version: the terms are the template's, version 0.</param>
    /// <param name="Changes">what this version changed against the one before (the template for version 1).</param>
    public sealed record AgreementView(
        long ClientId, bool Stored, int Version, Instant EffectiveFrom, Agreement Terms,
        IReadOnlyList<AcknowledgementTemplate> Acknowledgements, IReadOnlyList<AgreementChange> Changes);

    public sealed record VersionView(int Version, Instant EffectiveFrom, Instant CreatedAt, long? CreatedByMemberId, IReadOnlyList<AgreementChange> Changes);

    public sealed record TemplateView(bool Stored, Agreement Terms, IReadOnlyList<AcknowledgementTemplate> Acknowledgements);

    /// <summary>
    /// The template when the workspace has not saved one: a client in Europe/Warsaw, the default
    /// response times, English.
    /// </summary>
    public static AgreementDocument DefaultTemplate() => new(new Agreement
    {
        Version = 0,
        ClientTimeZone = "Europe/Warsaw",
        ResponseTimes = ResponseRule.Defaults,
        Language = "en",
    });

    /// <summary>The workspace's template for new agreements, or the default while it has saved none.</summary>
    public static async Task<(AgreementDocument Document, bool Stored)> TemplateAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var row = await db.AgreementTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.WorkspaceId == workspaceId, ct);
        return row is null ? (DefaultTemplate(), false) : (row.Read(), true);
    }

    public static async Task<TemplateView> TemplateViewAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var (document, stored) = await TemplateAsync(db, workspaceId, ct);
        return new TemplateView(stored, document.Terms, AllAcknowledgements(document));
    }

    /// <summary>Replaces the workspace template after checking it; clients' stored versions are not touched.</summary>
    public static async Task<TemplateView> SaveTemplateAsync(LiaisonDb db, long workspaceId, AgreementDocument document, long? memberId, Instant now, CancellationToken ct)
    {
        document = Require(document) with { Terms = document.Terms with { Version = 0, EffectiveFrom = default } };
        document.Validate();
        document = document.WithEditedTextsOnly();
        var row = await db.AgreementTemplates.FirstOrDefaultAsync(t => t.WorkspaceId == workspaceId, ct);
        if (row is null) db.AgreementTemplates.Add(row = new AgreementTemplateRecord(workspaceId));
        row.Replace(document, now, memberId);
        await db.SaveChangesAsync(ct);
        return new TemplateView(true, document.Terms, AllAcknowledgements(document));
    }

    /// <summary>The stored versions of a client, oldest first.</summary>
    public static Task<List<AgreementVersionRecord>> VersionRowsAsync(LiaisonDb db, long clientId, CancellationToken ct) =>
        db.AgreementVersions.AsNoTracking().Where(v => v.ClientId == clientId).OrderBy(v => v.Version).ToListAsync(ct);

    /// <summary>The version in force now, or the template-derived start (version 0, not stored) for a client without one.</summary>
    public static async Task<AgreementView?> CurrentAsync(LiaisonDb db, long clientId, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return null;
        var rows = await VersionRowsAsync(db, clientId, ct);
        if (rows.Count == 0)
        {
            var start = await StartAsync(db, client, now, ct);
            return new AgreementView(clientId, false, 0, start.Terms.EffectiveFrom, start.Terms, AllAcknowledgements(start), []);
        }
        var current = rows[^1].Read();
        var previous = rows.Count > 1 ? rows[^2].Read() : await StartAsync(db, client, now, ct);
        return View(clientId, current, AgreementDiff.Between(previous.Terms, current.Terms));
    }

    /// <summary>Every version with what it changed, oldest first; empty while nothing is stored.</summary>
    public static async Task<List<VersionView>?> VersionsAsync(LiaisonDb db, long clientId, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return null;
        var rows = await VersionRowsAsync(db, clientId, ct);
        var list = new List<VersionView>(rows.Count);
        var previous = rows.Count == 0 ? null : (await StartAsync(db, client, now, ct)).Terms;
        foreach (var row in rows)
        {
            var terms = row.Read().Terms;
            list.Add(new VersionView(row.Version, row.EffectiveFrom, row.CreatedAt, row.CreatedByMemberId, AgreementDiff.Between(previous!, terms)));
            previous = terms;
        }
        return list;
    }

    /// <summary>
    /// Stores <paramref name="document"/> as the client's next version, in force from now. Acknowledgement
    /// texts left out (null) are carried over from the version before. Throws
    /// <see cref="AgreementRuleException"/> naming the field when a rule is broken; nothing is stored then.
    /// </summary>
    public static async Task<AgreementView?> SaveAsync(LiaisonDb db, long clientId, AgreementDocument document, long? memberId, Instant now, CancellationToken ct)
    {
        Require(document);
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return null;
        var rows = await VersionRowsAsync(db, clientId, ct);
        var previous = rows.Count == 0 ? await StartAsync(db, client, now, ct) : rows[^1].Read();
        var checkedDocument = new AgreementDocument(document.Terms, document.Acknowledgements ?? previous.Acknowledgements);
        checkedDocument.Validate();
        var acknowledgements = checkedDocument.WithEditedTextsOnly().Acknowledgements;

        // Postgres keeps microseconds: the instant handed back must be the one read back later.
        var effectiveFrom = Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / 10 * 10);
        var history = rows.Count == 0
            ? AgreementHistory.Start(document.Terms with { EffectiveFrom = effectiveFrom })
            : new AgreementHistory(rows.Select(r => r.Read().Terms).ToList()).Revise(document.Terms, effectiveFrom);
        var next = history.Current;
        db.AgreementVersions.Add(new AgreementVersionRecord(clientId, next, acknowledgements, effectiveFrom, memberId));
        await db.SaveChangesAsync(ct);
        return View(clientId, new AgreementDocument(next, acknowledgements), AgreementDiff.Between(previous.Terms, next));
    }

    /// <summary>The version a message received at <paramref name="received"/> is promised under.</summary>
    public static async Task<AgreementDocument?> InForceAtAsync(LiaisonDb db, long clientId, Instant received, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        return client is null ? null : await InForceAtAsync(db, client, received, now, ct);
    }

    private static async Task<AgreementDocument> InForceAtAsync(LiaisonDb db, Client client, Instant received, Instant now, CancellationToken ct)
    {
        var versions = db.AgreementVersions.AsNoTracking().Where(v => v.ClientId == client.Id);
        // Before the first version took effect the first version is the best answer there is.
        var row = await versions.Where(v => v.EffectiveFrom <= received).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct)
            ?? await versions.OrderBy(v => v.Version).FirstOrDefaultAsync(ct);
        return row is not null ? row.Read() : await StartAsync(db, client, now, ct);
    }

    /// <summary>
    /// The promise and acknowledgements for a message, counted in the client's agreement version and
    /// the workspace's calendar version, both those in force when it arrived. Without a channel kind,
    /// for a message on the agreement's preferred channel.
    /// </summary>
    public static async Task<PromisePreview?> PreviewAsync(LiaisonDb db, long clientId, Instant received, ChannelKind? channel, Urgency urgency, Instant now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return null;
        var document = await InForceAtAsync(db, client, received, now, ct);
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, client.WorkspaceId, document.Terms.ResponsibleMemberId, received, ct);
        return PromisePreview.For(document, calendar, received, channel ?? document.Terms.Channels.Preferred, urgency);
    }

    /// <summary>The "how we work together" document of the version in force now, in the client's language.</summary>
    public static async Task<WorkingTogetherView?> WorkingTogetherAsync(LiaisonDb db, long clientId, Instant now, CancellationToken ct)
    {
        var current = await CurrentAsync(db, clientId, now, ct);
        if (current is null) return null;
        var workspaceId = await db.Clients.Where(c => c.Id == clientId).Select(c => c.WorkspaceId).FirstAsync(ct);
        var calendar = await WorkspaceCalendars.InForceAtAsync(db, workspaceId, current.Terms.ResponsibleMemberId, now, ct);
        var responsible = await ResponsibleNameAsync(db, clientId, current.Terms.ResponsibleMemberId, ct);
        return WorkingTogetherView.For(current.Terms, calendar, responsible, now);
    }

    /// <summary>Zones for a picker; the query may be a tzdb id or a city in any of our languages.</summary>
    public static IReadOnlyList<TimeZoneMatch> FindTimeZones(string? search, int max = 10) => TimeZoneSearch.Find(search ?? "", max);

    /// <summary>The name the client knows the responsible person by: the agreement's, else the client's, else the first member's.</summary>
    public static async Task<string> ResponsibleNameAsync(LiaisonDb db, long clientId, long memberId, CancellationToken ct)
    {
        var clientMember = await db.Clients.Where(c => c.Id == clientId).Select(c => c.ResponsibleMemberId).FirstOrDefaultAsync(ct);
        foreach (var id in new[] { memberId, clientMember ?? 0 })
            if (id != 0 && await db.Members.Where(m => m.Id == id).Select(m => m.DisplayName).FirstOrDefaultAsync(ct) is { } name)
                return name;
        return await db.Members.OrderBy(m => m.Id).Select(m => m.DisplayName).FirstOrDefaultAsync(ct) ?? "";
    }

    // The client's start: their workspace template's terms with the client's responsible person, not stored.
    private static async Task<AgreementDocument> StartAsync(LiaisonDb db, Client client, Instant now, CancellationToken ct)
    {
        var (template, _) = await TemplateAsync(db, client.WorkspaceId, ct);
        var t = template.Terms;
        var start = Agreement.StartFrom(t, t.ClientTimeZone, t.Language, client.ResponsibleMemberId ?? t.ResponsibleMemberId, now) with { Version = 0 };
        return template with { Terms = start };
    }

    private static AgreementView View(long clientId, AgreementDocument document, IReadOnlyList<AgreementChange> changes) =>
        new(clientId, true, document.Terms.Version, document.Terms.EffectiveFrom, document.Terms, AllAcknowledgements(document), changes);

    private static List<AcknowledgementTemplate> AllAcknowledgements(AgreementDocument document) =>
        Agreement.Languages.Select(document.AcknowledgementFor).ToList();

    private static AgreementDocument Require(AgreementDocument? document) =>
        document?.Terms is null
            ? throw new DomainRuleException("agreement.terms.required", "Send the agreement's terms.", "terms")
            : document;
}
