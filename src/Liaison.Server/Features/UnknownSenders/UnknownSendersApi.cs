using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Server.Data;
using Liaison.Server.Features.Clients;
using Liaison.Server.Features.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.UnknownSenders;

/// <summary>
/// Addresses that wrote to us but belong to no contact. The owner attaches one to an existing contact
/// or creates a client from it; either way its waiting messages move onto that timeline.
/// </summary>
public static class UnknownSendersApi
{
    public sealed record UnknownSenderView(long Id, string Kind, string Address, string DisplayAddress, string? DisplayName,
        Instant FirstSeenAt, Instant LastSeenAt, int MessageCount, string? LastMessage);

    public sealed record AttachToContact(long ContactId);
    public sealed record CreateClientFrom([property: MaxLength(Core.Clients.Client.MaxNameLength)] string? ClientName, [property: MaxLength(200)] string? ContactName);

    public static RouteGroupBuilder MapUnknownSenders(this RouteGroupBuilder api)
    {
        var unknown = api.MapGroup("/unknown-senders").WithTags("Unknown senders");
        unknown.MapGet("/", (LiaisonDb db, ChannelDescriptors channels, CancellationToken ct) => List(db, channels, ct));
        // Open pages (the list, the navigation's count) learn of a change made through the API too.
        unknown.MapPost("/{id:long}/attach", async (long id, AttachToContact request, LiaisonDb db, ChannelDescriptors channels, IClock clock, Inbound.LiveUpdates live, CancellationToken ct) =>
        {
            var result = await Attach(db, channels, id, request.ContactId, clock.GetCurrentInstant(), ct);
            live.PublishUnknownSenders();
            return result;
        });
        unknown.MapPost("/{id:long}/create-client", async (long id, CreateClientFrom request, LiaisonDb db, ChannelDescriptors channels, System.Security.Claims.ClaimsPrincipal user, IClock clock, Inbound.LiveUpdates live, CancellationToken ct) =>
        {
            var result = await CreateClient(db, channels, user.WorkspaceId(), id, request, clock.GetCurrentInstant(), ct);
            live.PublishUnknownSenders();
            return result;
        });
        return api;
    }

    public static async Task<Ok<List<UnknownSenderView>>> List(LiaisonDb db, ChannelDescriptors channels, CancellationToken ct)
    {
        var rows = await db.UnknownSenders.AsNoTracking().OrderByDescending(u => u.LastSeenAt).Take(500)
            .Select(u => new
            {
                Sender = u,
                Last = db.Messages.Where(m => m.UnknownSenderId == u.Id).OrderByDescending(m => m.OccurredAt).Select(m => m.Text).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new UnknownSenderView(r.Sender.Id, r.Sender.Kind.Value, r.Sender.Address, channels.Display(r.Sender.Kind, r.Sender.Address),
            Core.Text.TextSafety.Shown(r.Sender.DisplayName), r.Sender.FirstSeenAt, r.Sender.LastSeenAt, r.Sender.MessageCount,
            r.Last is { Length: > 200 } text ? text[..200] + "…" : r.Last)).ToList());
    }

    public static async Task<Results<Ok<ContactView>, NotFound>> Attach(LiaisonDb db, ChannelDescriptors channels, long unknownSenderId, long contactId, Instant now, CancellationToken ct)
    {
        var sender = await db.UnknownSenders.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unknownSenderId, ct);
        var contact = await db.Contacts.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == contactId, ct);
        if (sender is null) return TypedResults.NotFound();
        if (contact is null)
            throw new DomainRuleException("contact.not-found", $"There is no contact {contactId}.", "contactId");
        await db.InTransactionAsync(() => IdentityOwnership.AssignAsync(db, channels, contact, sender.Kind, sender.Address, null, null, now, ct), ct);
        return TypedResults.Ok(ContactView.From(contact, channels));
    }

    public static async Task<Results<Created<ClientView>, NotFound>> CreateClient(LiaisonDb db, ChannelDescriptors channels, long workspaceId, long unknownSenderId, CreateClientFrom request, Instant now, CancellationToken ct)
    {
        var sender = await db.UnknownSenders.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unknownSenderId, ct);
        if (sender is null) return TypedResults.NotFound();
        var name = FirstNonBlank(request.ClientName, sender.DisplayName, channels.Display(sender.Kind, sender.Address));
        var (client, contact) = await db.InTransactionAsync(async () =>
        {
            var client = new Client(workspaceId, name, null, now);
            db.Clients.Add(client);
            await db.SaveChangesAsync(ct);
            var contact = new Contact(client.Id, FirstNonBlank(request.ContactName, sender.DisplayName, name), null, now);
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(ct);
            await IdentityOwnership.AssignAsync(db, channels, contact, sender.Kind, sender.Address, null, null, now, ct);
            return (client, contact);
        }, ct);
        return TypedResults.Created($"/api/clients/{client.Id}", ClientView.From(client, [contact], channels));
    }

    private static string FirstNonBlank(params string?[] values) => values.First(v => !string.IsNullOrWhiteSpace(v))!.Trim();
}
