using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Contacts;
using Liaison.Core.Identities;
using Liaison.Server.Data;
using Liaison.Server.Features.Messages;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Contacts;

/// <summary>
/// Gives an address to a contact, enforcing "an identity belongs to exactly one contact" with an
/// answer that names the current owner. If the address has been writing to us as an unknown sender,
/// its waiting messages move onto the contact's timeline in the same save.
/// </summary>
public static class IdentityOwnership
{
    public static async Task<Identity> AssignAsync(LiaisonDb db, ChannelDescriptors channels, Contact contact, ChannelKind kind, string rawAddress, string? label,
        string? defaultRegion, Instant now, CancellationToken ct)
    {
        var address = channels.Normalize(kind, rawAddress, defaultRegion);
        var owner = await db.ContactIdentities.AsNoTracking()
            .Where(i => i.Kind == kind && i.Address == address)
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => new { c.Id, c.Name, c.ClientId })
            .Join(db.Clients, c => c.ClientId, cl => cl.Id, (c, cl) => new { c.Id, c.Name, Client = cl.Name })
            .FirstOrDefaultAsync(ct);
        if (owner is not null && owner.Id != contact.Id)
            throw new DomainConflictException("identity.owned-by-another-contact",
                $"{channels.Display(kind, address)} already belongs to {owner.Name} ({owner.Client}), contact {owner.Id}. Merge the two contacts instead.",
                "address");
        var identity = contact.AddIdentity(kind, address, label, now);

        var unknown = await db.UnknownSenders.FirstOrDefaultAsync(u => u.Kind == kind && u.Address == address, ct);
        if (unknown is not null)
        {
            var waiting = await db.Messages.Where(m => m.UnknownSenderId == unknown.Id).ToListAsync(ct);
            await MessagePlacement.PlaceAsync(db, waiting, contact.ClientId, contact.Id, ct);
            db.UnknownSenders.Remove(unknown);
            // Placed with a client, the live ones that need an answer get their promise, counted from their arrival.
            await Promises.MakingPromises.MakeAsync(db, waiting, now, ct);
        }
        return identity;
    }
}
