using Liaison.Core.Channels;
using Liaison.Core.Identities;
using NodaTime;

namespace Liaison.Core.Contacts;

/// <summary>A person at a client, reachable through one or more identities.</summary>
public sealed class Contact
{
    private readonly List<Identity> identities = [];

    private Contact() { Name = ""; }

    public Contact(long clientId, string name, string? role, Instant createdAt)
    {
        ClientId = clientId;
        Name = RequireName(name);
        Role = Clean(role);
        CreatedAt = createdAt;
    }

    public long Id { get; private set; }
    public long ClientId { get; private set; }
    public string Name { get; private set; }
    /// <summary>What the person does at the client ("CEO", "accountant").</summary>
    public string? Role { get; private set; }
    public Instant CreatedAt { get; private set; }
    /// <summary>A VIP: whatever this person writes is urgent.</summary>
    public bool IsVip { get; private set; }
    public IReadOnlyList<Identity> Identities => identities;

    public void Update(string name, string? role)
    {
        Name = RequireName(name);
        Role = Clean(role);
    }

    /// <summary>
    /// Adds an identity with an address already normalised by its kind's rule
    /// (<see cref="ChannelDescriptors.Normalize"/>). The caller has checked that no other contact owns
    /// (kind, address): that rule spans contacts, so the database's unique index is its final guard.
    /// </summary>
    /// <summary>Marks the person a VIP (their messages are urgent) or not.</summary>
    public void MarkVip(bool vip) => IsVip = vip;

    public Identity AddIdentity(ChannelKind kind, string address, string? label, Instant at)
    {
        if (identities.Any(i => i.Kind == kind && i.Address == address))
            throw new DomainConflictException("identity.duplicate",
                $"{Name} already has the {kind} identity {address}.", "address");
        var identity = new Identity(Id, kind, address, label, at);
        identities.Add(identity);
        return identity;
    }

    public Identity RemoveIdentity(long identityId)
    {
        var identity = identities.FirstOrDefault(i => i.Id == identityId)
            ?? throw new DomainRuleException("identity.not-found", $"{Name} has no identity {identityId}.", "identityId");
        identities.Remove(identity);
        return identity;
    }

    /// <summary>
    /// Merges <paramref name="duplicate"/> into this contact: every identity moves here. The caller
    /// moves the duplicate's messages and then removes it; nothing of its history is dropped.
    /// </summary>
    public void Absorb(Contact duplicate)
    {
        ArgumentNullException.ThrowIfNull(duplicate);
        if (ReferenceEquals(duplicate, this) || (Id != 0 && duplicate.Id == Id))
            throw new DomainRuleException("contact.merge.same", "A contact cannot be merged into itself.", "sourceContactId");
        foreach (var identity in duplicate.identities)
        {
            identity.MoveTo(Id);
            identities.Add(identity);
        }
        duplicate.identities.Clear();
        Role ??= duplicate.Role;
    }

    private static string RequireName(string? name)
    {
        var trimmed = Text.TextSafety.Name(name, "name");
        if (trimmed.Length is 0 or > 200)
            throw new DomainRuleException("contact.name.required", "A contact needs a name of 1 to 200 characters.", "name");
        return trimmed;
    }

    private static string? Clean(string? text)
    {
        Text.TextSafety.RefuseNul(text, "role");
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
