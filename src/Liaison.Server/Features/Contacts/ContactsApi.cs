using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Contacts;
using Liaison.Server.Data;
using Liaison.Server.Features.Clients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Contacts;

/// <summary>Contacts of a client, their identities, and merging two contacts that are one person.</summary>
public static class ContactsApi
{
    public sealed record NewIdentity([property: MaxLength(32)] string? Kind, [property: MaxLength(320)] string? Address, [property: MaxLength(100)] string? Label);
    /// <param name="Vip">a VIP's messages are urgent; left out, it stays as it was (false for a new contact).</param>
    public sealed record SaveContact([property: MaxLength(200)] string? Name, [property: MaxLength(200)] string? Role, IReadOnlyList<NewIdentity>? Identities, bool? Vip = null);
    public sealed record MergeContacts(long SourceContactId);

    public static RouteGroupBuilder MapContacts(this RouteGroupBuilder api)
    {
        var contacts = api.MapGroup("/clients/{clientId:long}/contacts").WithTags("Contacts");
        contacts.MapPost("/", (long clientId, SaveContact request, LiaisonDb db, ChannelDescriptors channels, IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct) =>
            Add(db, channels, clientId, request, options.Value.DefaultPhoneRegion, clock.GetCurrentInstant(), ct));
        contacts.MapPut("/{contactId:long}", Update);
        contacts.MapDelete("/{contactId:long}", Remove);
        contacts.MapPost("/{contactId:long}/identities", (long clientId, long contactId, NewIdentity request, LiaisonDb db, ChannelDescriptors channels, IClock clock, IOptions<LiaisonOptions> options, CancellationToken ct) =>
            AddIdentity(db, channels, clientId, contactId, request, options.Value.DefaultPhoneRegion, clock.GetCurrentInstant(), ct));
        contacts.MapDelete("/{contactId:long}/identities/{identityId:long}", RemoveIdentity);
        api.MapPost("/contacts/{targetContactId:long}/merge", (long targetContactId, MergeContacts request, LiaisonDb db, ChannelDescriptors channels, CancellationToken ct) =>
            Merge(db, channels, targetContactId, request.SourceContactId, ct)).WithTags("Contacts")
            .WithDescription("Merges the source contact into the target: identities and messages move; the source is removed.");
        return api;
    }

    public static async Task<Results<Created<ContactView>, NotFound>> Add(LiaisonDb db, ChannelDescriptors channels, long clientId, SaveContact request, string? region, Instant now, CancellationToken ct)
    {
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, ct)) return TypedResults.NotFound();
        var contact = await db.InTransactionAsync(async () =>
        {
            var contact = new Contact(clientId, request.Name!, request.Role, now);
            contact.MarkVip(request.Vip ?? false);
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(ct);
            var index = 0;
            foreach (var identity in request.Identities ?? [])
            {
                try
                {
                    await IdentityOwnership.AssignAsync(db, channels, contact, RequestValues.Kind(identity.Kind, "kind"), identity.Address ?? "", identity.Label, region, now, ct);
                }
                catch (DomainRuleException e)
                {
                    // Point at the entry in the list, so a form with three identities shows which one is wrong.
                    var field = $"identities[{index}].{e.Field ?? "address"}";
                    throw e is DomainConflictException ? new DomainConflictException(e.Rule, e.Message, field) : new DomainRuleException(e.Rule, e.Message, field);
                }
                index++;
            }
            return contact;
        }, ct);
        return TypedResults.Created($"/api/clients/{clientId}/contacts/{contact.Id}", ContactView.From(contact, channels));
    }

    public static async Task<Results<Ok<ContactView>, NotFound>> Update(long clientId, long contactId, SaveContact request, LiaisonDb db, ChannelDescriptors channels, CancellationToken ct)
    {
        var contact = await db.Contacts.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == contactId && c.ClientId == clientId, ct);
        if (contact is null) return TypedResults.NotFound();
        contact.Update(request.Name!, request.Role);
        if (request.Vip is { } vip) contact.MarkVip(vip);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ContactView.From(contact, channels));
    }

    /// <summary>A contact with history cannot be removed (its messages would lose their sender): merge it instead.</summary>
    public static async Task<Results<NoContent, NotFound>> Remove(long clientId, long contactId, LiaisonDb db, CancellationToken ct)
    {
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == contactId && c.ClientId == clientId, ct);
        if (contact is null) return TypedResults.NotFound();
        if (await db.Messages.AnyAsync(m => m.ContactId == contactId, ct))
            throw new DomainConflictException("contact.remove.has-messages", $"{contact.Name} has messages; merge the contact into another one instead of removing it.", "contactId");
        db.Contacts.Remove(contact);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<IdentityView>, NotFound>> AddIdentity(LiaisonDb db, ChannelDescriptors channels, long clientId, long contactId, NewIdentity request, string? region, Instant now, CancellationToken ct)
    {
        var contact = await db.Contacts.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == contactId && c.ClientId == clientId, ct);
        if (contact is null) return TypedResults.NotFound();
        var identity = await db.InTransactionAsync(() =>
            IdentityOwnership.AssignAsync(db, channels, contact, RequestValues.Kind(request.Kind, "kind"), request.Address ?? "", request.Label, region, now, ct), ct);
        return TypedResults.Created($"/api/clients/{clientId}/contacts/{contactId}/identities/{identity.Id}", IdentityView.From(identity, channels));
    }

    public static async Task<Results<NoContent, NotFound>> RemoveIdentity(long clientId, long contactId, long identityId, LiaisonDb db, CancellationToken ct)
    {
        var contact = await db.Contacts.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == contactId && c.ClientId == clientId, ct);
        if (contact is null || contact.Identities.All(i => i.Id != identityId)) return TypedResults.NotFound();
        db.ContactIdentities.Remove(contact.RemoveIdentity(identityId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Merges <paramref name="sourceId"/> into <paramref name="targetId"/>. Identities and messages move to
    /// the target (and to the target's client, into the matching conversations there); the source's
    /// client keeps its notes, which are about the client rather than the person.
    /// </summary>
    public static async Task<Results<Ok<ContactView>, NotFound>> Merge(LiaisonDb db, ChannelDescriptors channels, long targetId, long sourceId, CancellationToken ct)
    {
        var contacts = await db.Contacts.Include(c => c.Identities).Where(c => c.Id == targetId || c.Id == sourceId).ToListAsync(ct);
        var target = contacts.FirstOrDefault(c => c.Id == targetId);
        var source = contacts.FirstOrDefault(c => c.Id == sourceId);
        if (target is null || source is null) return TypedResults.NotFound();
        await db.InTransactionAsync(async () =>
        {
            target.Absorb(source);
            var messages = await db.Messages.Where(m => m.ContactId == sourceId).ToListAsync(ct);
            if (source.ClientId == target.ClientId)
                foreach (var m in messages) m.PlaceWith(target.ClientId, target.Id, m.ConversationId!.Value);
            else
                await Messages.MessagePlacement.PlaceAsync(db, messages, target.ClientId, target.Id, ct);
            // Identities must reach the target before the source (and its cascade) goes.
            await db.SaveChangesAsync(ct);
            db.Contacts.Remove(source);
            return true;
        }, ct);
        return TypedResults.Ok(ContactView.From(target, channels));
    }
}
