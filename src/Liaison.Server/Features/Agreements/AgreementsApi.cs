using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Core;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using static Liaison.Server.Features.Agreements.ClientAgreements;

namespace Liaison.Server.Features.Agreements;

/// <summary>
/// The working agreement with each client: versioned terms, the workspace template, promise previews,
/// the "how we work together" document and a time-zone search. Our hours and days off are the
/// workspace calendar's (<see cref="Calendar.CalendarApi"/>).
/// </summary>
public static class AgreementsApi
{
    public static RouteGroupBuilder MapAgreements(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/").WithTags("Agreements");
        g.MapGet("/clients/{clientId:long}/agreement", async Task<Results<Ok<AgreementView>, NotFound>> (long clientId, LiaisonDb db, IClock clock, CancellationToken ct) =>
                await CurrentAsync(db, clientId, clock.GetCurrentInstant(), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithDescription("The version in force now. A client without a stored agreement gets the workspace template's terms as version 0 with stored=false; PUT stores it.");
        g.MapPut("/clients/{clientId:long}/agreement", Save).Accepts<AgreementDocument>("application/json")
            .WithDescription("Stores the terms as a new version in force from now and answers with the changes against the version before. " +
                             "Leave acknowledgements out to keep the current texts.");
        g.MapGet("/clients/{clientId:long}/agreement/versions", async Task<Results<Ok<List<VersionView>>, NotFound>> (long clientId, LiaisonDb db, IClock clock, CancellationToken ct) =>
            await VersionsAsync(db, clientId, clock.GetCurrentInstant(), ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound());
        g.MapGet("/clients/{clientId:long}/promise-preview", Preview)
            .WithDescription("receivedAt: ISO 8601 instant (default now); channel: email, telegram, ... (default email); urgency: normal or urgent (default normal). " +
                             "Counted in the client's agreement version and our calendar version in force at receivedAt.");
        g.MapGet("/clients/{clientId:long}/working-together", async Task<Results<Ok<WorkingTogetherView>, NotFound>> (long clientId, LiaisonDb db, IClock clock, CancellationToken ct) =>
            await WorkingTogetherAsync(db, clientId, clock.GetCurrentInstant(), ct) is { } doc ? TypedResults.Ok(doc) : TypedResults.NotFound());
        // The workspace template is the owner's: it is what every new client's agreement starts from.
        g.MapGet("/agreement-template", async (HttpRequest request, LiaisonDb db, CancellationToken ct) => TypedResults.Ok(await TemplateViewAsync(db, request.HttpContext.User.WorkspaceId(), ct)))
            .RequireAuthorization(Auth.AuthServices.OwnerPolicy);
        g.MapPut("/agreement-template", async (HttpRequest request, LiaisonDb db, IClock clock, CancellationToken ct) =>
            TypedResults.Ok(await SaveTemplateAsync(db, request.HttpContext.User.WorkspaceId(), await ReadDocumentAsync(request, ct), request.HttpContext.User.MemberId(), clock.GetCurrentInstant(), ct)))
            .Accepts<AgreementDocument>("application/json").RequireAuthorization(Auth.AuthServices.OwnerPolicy);
        g.MapGet("/time-zones", (string? search, int? limit) => TypedResults.Ok(FindTimeZones(search, RequestValues.Limit(limit, 10, 50))));
        return api;
    }

    public static async Task<Results<Ok<AgreementView>, NotFound>> Save(long clientId, HttpRequest request, LiaisonDb db, IClock clock, CancellationToken ct) =>
        await SaveAsync(db, clientId, await ReadDocumentAsync(request, ct), request.HttpContext.User.MemberId(), clock.GetCurrentInstant(), ct) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    // The terms that moved into the workspace calendar, by their names in the old agreement shape.
    private static readonly string[] CalendarTerms = ["ourTimeZone", "workingHours", "daysOff", "checkWindows"];

    /// <summary>
    /// Reads the body here rather than through parameter binding, so that a term that cannot be read
    /// (an invalid channel kind, a time that is not a time) is a problem naming its path ("terms.channels.preferred").
    /// </summary>
    public static async Task<AgreementDocument> ReadDocumentAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
            // A script written for the old shape would otherwise lose these terms without a word.
            if (node?["terms"] is JsonObject terms && CalendarTerms.FirstOrDefault(terms.ContainsKey) is { } moved)
                throw new DomainRuleException("agreement.calendar-term",
                    $"'{moved}' is no longer part of a client's agreement: our zone, working hours, days off and check windows are the workspace calendar's (PUT /api/calendar).",
                    $"terms.{moved}");
            return node.Deserialize<AgreementDocument>(AgreementJson.Options)
                ?? throw new DomainRuleException("agreement.terms.required", "Send the agreement's terms.", "terms");
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "terms" : e.Path.TrimStart('$', '.');
            throw new DomainRuleException("agreement.unreadable", $"The agreement cannot be read at {path}: {e.Message}", path);
        }
    }

    public static async Task<Results<Ok<PromisePreview>, NotFound>> Preview(
        long clientId, string? receivedAt, string? channel, string? urgency, LiaisonDb db, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var received = receivedAt is null ? now : RequestValues.Instant(receivedAt, "receivedAt");
        Core.Channels.ChannelKind? kind = channel is null ? null : RequestValues.Kind(channel, "channel");
        var level = urgency is null ? Urgency.Normal : RequestValues.Enum<Urgency>(urgency, "urgency");
        return await PreviewAsync(db, clientId, received, kind, level, now, ct) is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();
    }
}
