using System.Security.Claims;
using Liaison.Server.Data;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Promises;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Clients;

/// <summary>
/// What the owner wants to see of a client at a glance, beside the name: where they are (their zone,
/// from the agreement in force), whether the agreement is still the template's, what waits for an
/// answer (how many, since when) and the channels their contacts use.
/// </summary>
/// <param name="OwnTerms">false while the client has no agreement of their own: the template's terms apply.</param>
/// <param name="OldestWaitingSince">when the oldest message still waiting for an answer arrived.</param>
/// <param name="Channels">the kinds of the contacts' addresses, in a stable order.</param>
public sealed record ClientGlance(long ClientId, string TimeZone, string Language, bool OwnTerms, int Waiting, Instant? OldestWaitingSince, IReadOnlyList<string> Channels)
{
    /// <summary>The glance of each of <paramref name="clientIds"/>: four queries whatever their number (a page of the client list).</summary>
    public static async Task<Dictionary<long, ClientGlance>> ForAsync(LiaisonDb db, long workspaceId, PromiseScope scope, IReadOnlyCollection<long> clientIds, Instant now, CancellationToken ct)
    {
        if (clientIds.Count == 0) return [];
        var ids = clientIds.Distinct().ToList();
        // The newest version in force per client; documents are small and few per client.
        var versions = await db.AgreementVersions.AsNoTracking()
            .Where(v => ids.Contains(v.ClientId) && v.EffectiveFrom <= now)
            .GroupBy(v => v.ClientId)
            .Select(g => g.OrderByDescending(v => v.Version).First())
            .ToListAsync(ct);
        var terms = versions.ToDictionary(v => v.ClientId, v => v.Read().Terms);
        var template = ids.Count > terms.Count ? (await ClientAgreements.TemplateAsync(db, workspaceId, ct)).Document.Terms : null;

        var waiting = await PromiseBook.Open(db, scope, now).Where(p => ids.Contains(p.ClientId))
            .GroupBy(p => p.ClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Count(), Oldest = g.Min(p => p.ReceivedAt) })
            .ToDictionaryAsync(x => x.ClientId, ct);

        var kinds = (await db.ContactIdentities.AsNoTracking()
                .Join(db.Contacts.Where(c => ids.Contains(c.ClientId)), i => i.ContactId, c => c.Id, (i, c) => new { c.ClientId, i.Kind })
                .Distinct()
                .ToListAsync(ct))
            .GroupBy(x => x.ClientId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Kind.Value).Distinct().Order(StringComparer.Ordinal).ToList());

        return ids.ToDictionary(id => id, id =>
        {
            var own = terms.TryGetValue(id, out var t);
            var agreement = own ? t! : template!;
            var w = waiting.GetValueOrDefault(id);
            return new ClientGlance(id, agreement.ClientTimeZone, agreement.Language, own, w?.Count ?? 0, w?.Oldest, kinds.GetValueOrDefault(id) ?? []);
        });
    }
}

/// <summary>GET /api/clients/glances: the same for the API.</summary>
public static class ClientGlancesApi
{
    /// <summary>The most clients one request may ask about.</summary>
    public const int MaxPerRequest = 200;

    public static RouteGroupBuilder MapClientGlances(this RouteGroupBuilder api)
    {
        api.MapGet("/clients/glances", async ([System.ComponentModel.DataAnnotations.MaxLength(MaxPerRequest * 21)] string? ids, LiaisonDb db, ClaimsPrincipal user, IClock clock, CancellationToken ct) =>
        {
            var wanted = RequestValues.Ids(ids, "ids", MaxPerRequest);
            var existing = await db.Clients.AsNoTracking().Where(c => wanted.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
            var glances = await ClientGlance.ForAsync(db, user.WorkspaceId(), PromiseScope.Of(user), existing, clock.GetCurrentInstant(), ct);
            return TypedResults.Ok(existing.Select(id => glances[id]).ToList());
        })
            .WithTags("Clients")
            .WithDescription("For each client of 'ids' (comma-separated, at most 200, a page of the client list; unknown ones left out): their time zone and language under the agreement in force, whether it is their own or still the template's, how many messages wait for an answer and since when, and the channels their contacts use.");
        return api;
    }
}
