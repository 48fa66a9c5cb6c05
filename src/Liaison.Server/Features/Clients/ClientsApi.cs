using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Clients;

/// <summary>Clients: create, list and search, read, edit, archive and restore, delete for good.</summary>
public static class ClientsApi
{
    public sealed record SaveClient([property: MaxLength(Client.MaxNameLength)] string? Name, [property: MaxLength(4000)] string? About, long? ResponsibleMemberId);

    public static RouteGroupBuilder MapClients(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients");
        clients.MapPost("/", (SaveClient request, LiaisonDb db, System.Security.Claims.ClaimsPrincipal user, IClock clock, CancellationToken ct) =>
            Create(db, user.WorkspaceId(), request, clock.GetCurrentInstant(), ct));
        clients.MapGet("/", (LiaisonDb db, string? search, bool? archived, int? limit, CancellationToken ct) =>
            List(db, search, archived ?? false, RequestValues.Limit(limit, 100, 1000), ct));
        clients.MapGet("/{id:long}", Get);
        clients.MapPut("/{id:long}", Update);
        clients.MapDelete("/{id:long}", Delete).AddEndpointFilter(OwnerDeletesForGood)
            .WithDescription("Archives the client. With permanent=true&confirm=true deletes an archived client for good (the owner only); " +
                             "a client with messages also needs export=true, which writes an export file first and returns it.");
        clients.MapPost("/{id:long}/restore", Restore);
        clients.MapGet("/{id:long}/export", async Task<Results<Ok<ClientExport>, NotFound>> (long id, LiaisonDb db, ChannelDescriptors channels, IClock clock, CancellationToken ct) =>
            await ClientExport.BuildAsync(db, channels, id, clock.GetCurrentInstant(), ct) is { } export ? TypedResults.Ok(export) : TypedResults.NotFound())
            .RequireAuthorization(Auth.AuthServices.OwnerPolicy);
        return api;
    }

    public static async Task<Created<ClientView>> Create(LiaisonDb db, long workspaceId, SaveClient request, Instant now, CancellationToken ct)
    {
        var client = new Client(workspaceId, request.Name!, request.About, now);
        if (request.ResponsibleMemberId is { } member) client.Update(client.Name, client.About, await RequireMember(db, member, ct));
        db.Clients.Add(client);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/clients/{client.Id}", ClientView.New(client));
    }

    /// <summary>Active clients by most recent activity; <paramref name="search"/> matches any part of the name, any case, any script.</summary>
    public static async Task<Ok<List<ClientSummary>>> List(LiaisonDb db, string? search, bool archived, int limit, CancellationToken ct)
    {
        var query = db.Clients.AsNoTracking().Where(c => archived ? c.ArchivedAt != null : c.ArchivedAt == null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var key = search.Trim().ToLowerInvariant();
            query = query.Where(c => c.NameKey.Contains(key));
        }
        var list = await query
            .OrderByDescending(c => c.LastActivityAt != null).ThenByDescending(c => c.LastActivityAt).ThenBy(c => c.NameKey)
            .Take(limit)
            .Select(c => new ClientSummary(c.Id, Core.Text.TextSafety.Shown(c.Name), c.About, c.LastActivityAt, c.ArchivedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(list);
    }

    public static async Task<Results<Ok<ClientView>, NotFound>> Get(long id, LiaisonDb db, ChannelDescriptors channels, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (client is null) return TypedResults.NotFound();
        var contacts = await db.Contacts.AsNoTracking().Include(c => c.Identities).Where(c => c.ClientId == id).ToListAsync(ct);
        return TypedResults.Ok(ClientView.From(client, contacts, channels));
    }

    public static async Task<Results<Ok<ClientView>, NotFound>> Update(long id, SaveClient request, LiaisonDb db, ChannelDescriptors channels, CancellationToken ct)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (client is null) return TypedResults.NotFound();
        var responsible = request.ResponsibleMemberId is { } member ? await RequireMember(db, member, ct) : (long?)null;
        client.Update(request.Name!, request.About, responsible);
        await db.SaveChangesAsync(ct);
        return await Get(id, db, channels, ct);
    }

    public static async Task<Results<NoContent, Ok<ClientExport>, NotFound>> Delete(
        long id, bool? permanent, bool? confirm, bool? export, LiaisonDb db, ChannelDescriptors channels, IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (client is null) return TypedResults.NotFound();
        if (permanent != true)
        {
            client.Archive(clock.GetCurrentInstant());
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }
        if (confirm != true)
            throw new DomainRuleException("client.delete.unconfirmed", "Deleting a client for good cannot be undone: repeat with confirm=true.", "confirm");
        var messageCount = await db.Messages.CountAsync(m => m.ClientId == id, ct);
        client.EnsureDeletable(messageCount, exported: export == true);

        ClientExport? written = null;
        if (export == true)
        {
            // The export is on disk before anything is deleted, so a dropped connection loses nothing.
            written = await ClientExport.BuildAsync(db, channels, id, clock.GetCurrentInstant(), ct);
            var folder = Path.Combine(options.Value.FullDataDirectory, "exports");
            PrivateFiles.CreateDirectory(folder);
            var path = Path.Combine(folder, $"client-{id}-{clock.GetCurrentInstant().ToUnixTimeSeconds()}.json");
            await using (var file = new FileStream(path, PrivateFiles.NewFile(FileMode.Create)))
                await JsonSerializer.SerializeAsync(file, written, ClientExport.FileJson, ct);
        }
        var erasure = await ClientErasure.PlanAsync(db, id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ClientErasure.DeleteRowsAsync(db, erasure, ct);
        await db.Attachments.Where(a => db.Messages.Any(m => m.Id == a.MessageId && m.ClientId == id)).ExecuteDeleteAsync(ct);
        await db.Attachments.Where(a => db.Notes.Any(n => n.Id == a.NoteId && n.ClientId == id)).ExecuteDeleteAsync(ct);
        await db.Messages.Where(m => m.ClientId == id).ExecuteDeleteAsync(ct);
        await db.Clients.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        // The export was returned in this response: once the client is gone, its copy on disk goes too.
        await ClientErasure.DeleteFilesAsync(db, options, id, erasure, CancellationToken.None);
        return written is null ? TypedResults.NoContent() : TypedResults.Ok(written);
    }

    public static async Task<Results<Ok<ClientView>, NotFound>> Restore(long id, LiaisonDb db, ChannelDescriptors channels, CancellationToken ct)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (client is null) return TypedResults.NotFound();
        client.Restore();
        await db.SaveChangesAsync(ct);
        return await Get(id, db, channels, ct);
    }

    /// <summary>
    /// Archiving is everyone's; deleting for good (and the export it may write) is the owner's, with the
    /// same policy as the owner's endpoints. The value is read as binding reads it (bool.TryParse).
    /// </summary>
    private static async ValueTask<object?> OwnerDeletesForGood(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (bool.TryParse(http.Request.Query["permanent"], out var permanent) && permanent)
        {
            var auth = http.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await auth.AuthorizeAsync(http.User, Auth.AuthServices.OwnerPolicy)).Succeeded)
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only the owner deletes a client for good.",
                    detail: "Archive the client instead; the owner can delete it for good.",
                    extensions: new Dictionary<string, object?> { ["rule"] = "client.delete.owner-only" });
        }
        return await next(context);
    }

    private static async Task<long> RequireMember(LiaisonDb db, long memberId, CancellationToken ct) =>
        await Auth.AccountsApi.Current(db).AnyAsync(m => m.Id == memberId, ct)
            ? memberId
            : throw new DomainRuleException("client.responsible.unknown", $"There is no team member {memberId}.", "responsibleMemberId");
}
