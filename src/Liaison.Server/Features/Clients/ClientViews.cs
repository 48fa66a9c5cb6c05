using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Identities;
using Liaison.Core.Text;
using NodaTime;

namespace Liaison.Server.Features.Clients;

public sealed record IdentityView(long Id, string Kind, string Address, string DisplayAddress, string? Label)
{
    public static IdentityView From(Identity i, ChannelDescriptors channels) => new(i.Id, i.Kind.Value, i.Address, channels.Display(i.Kind, i.Address), i.Label);
}

/// <param name="Vip">whatever this person writes is urgent.</param>
public sealed record ContactView(long Id, long ClientId, string Name, string? Role, IReadOnlyList<IdentityView> Identities, bool Vip = false)
{
    public static ContactView From(Contact c, ChannelDescriptors channels) =>
        new(c.Id, c.ClientId, TextSafety.Shown(c.Name), c.Role, c.Identities.OrderBy(i => i.Kind.Value).ThenBy(i => i.Address).Select(i => IdentityView.From(i, channels)).ToList(), c.IsVip);
}

public sealed record ClientSummary(long Id, string Name, string? About, Instant? LastActivityAt, Instant? ArchivedAt);

public sealed record ClientView(
    long Id, string Name, string? About, long? ResponsibleMemberId, Instant CreatedAt, Instant? ArchivedAt,
    Instant? LastActivityAt, IReadOnlyList<ContactView> Contacts)
{
    /// <summary>A client just made, with no contacts yet.</summary>
    public static ClientView New(Client c) => new(c.Id, TextSafety.Shown(c.Name), c.About, c.ResponsibleMemberId, c.CreatedAt, c.ArchivedAt, c.LastActivityAt, []);

    public static ClientView From(Client c, IEnumerable<Contact> contacts, ChannelDescriptors channels) =>
        new(c.Id, TextSafety.Shown(c.Name), c.About, c.ResponsibleMemberId, c.CreatedAt, c.ArchivedAt, c.LastActivityAt,
            contacts.OrderBy(x => x.Name).Select(x => ContactView.From(x, channels)).ToList());
}
