using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Identities;
using Liaison.Core.Text;
using NodaTime;

namespace Liaison.Server.Features.Clients;

public sealed record IdentityView(long Id, string Kind, string Address, string DisplayAddress, string? Label)
{
    public static IdentityView From(Identity i) => new(i.Id, i.Kind.Value, i.Address, i.DisplayAddress, i.Label);
}

public sealed record ContactView(long Id, long ClientId, string Name, string? Role, IReadOnlyList<IdentityView> Identities)
{
    public static ContactView From(Contact c) =>
        new(c.Id, c.ClientId, TextSafety.Shown(c.Name), c.Role, c.Identities.OrderBy(i => i.Kind.Value).ThenBy(i => i.Address).Select(IdentityView.From).ToList());
}

public sealed record ClientSummary(long Id, string Name, string? About, Instant? LastActivityAt, Instant? ArchivedAt);

public sealed record ClientView(
    long Id, string Name, string? About, long? ResponsibleMemberId, Instant CreatedAt, Instant? ArchivedAt,
    Instant? LastActivityAt, IReadOnlyList<ContactView> Contacts)
{
    public static ClientView From(Client c, IEnumerable<Contact> contacts) =>
        new(c.Id, TextSafety.Shown(c.Name), c.About, c.ResponsibleMemberId, c.CreatedAt, c.ArchivedAt, c.LastActivityAt,
            contacts.OrderBy(x => x.Name).Select(ContactView.From).ToList());
}
