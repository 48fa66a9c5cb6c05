using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Identities;

/// <summary>
/// One address of a contact on one channel kind. (Kind, Address) is unique across the workspace:
/// an identity belongs to exactly one contact, which is what lets an inbound message find its client.
/// </summary>
public sealed class Identity
{
    private Identity() { Address = ""; }

    internal Identity(long contactId, ChannelKind kind, string normalizedAddress, string? label, Instant addedAt)
    {
        ContactId = contactId;
        Kind = kind;
        Address = normalizedAddress;
        Label = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        AddedAt = addedAt;
    }

    public long Id { get; private set; }
    public long ContactId { get; private set; }
    public ChannelKind Kind { get; private set; }
    /// <summary>The canonical form from the kind's <see cref="AddressRule"/>.</summary>
    public string Address { get; private set; }
    /// <summary>Optional owner's label, e.g. "private phone".</summary>
    public string? Label { get; private set; }
    public Instant AddedAt { get; private set; }

    internal void MoveTo(long contactId) => ContactId = contactId;
}
