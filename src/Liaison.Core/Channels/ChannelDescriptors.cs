using Liaison.Core.Identities;

namespace Liaison.Core.Channels;

/// <summary>
/// The descriptors of every kind this installation knows: the glossary's (<see cref="GlossaryChannels"/>)
/// and those the channel projects registered, which take the place of a glossary one of the same kind.
/// What the UI offers, how an address is written and how a conversation is keyed are asked here.
/// </summary>
public sealed class ChannelDescriptors
{
    private readonly Dictionary<ChannelKind, ChannelDescriptor> byKind;

    public ChannelDescriptors(IEnumerable<ChannelDescriptor> registered)
    {
        byKind = GlossaryChannels.All.ToDictionary(d => d.Kind);
        foreach (var descriptor in registered) byKind[descriptor.Kind] = descriptor;
        All = byKind.Values.OrderBy(d => d.Order).ThenBy(d => d.Kind.Value, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every known kind, in the order lists offer them.</summary>
    public IReadOnlyList<ChannelDescriptor> All { get; }

    /// <summary>The kind's descriptor; one with its name and free-text addresses for a kind nobody describes.</summary>
    public ChannelDescriptor For(ChannelKind kind) => byKind.GetValueOrDefault(kind) ?? ChannelDescriptor.Unknown(kind);

    /// <summary>The descriptor of a kind given by its stored name ("email"); the unknown one for a name that is no kind.</summary>
    public ChannelDescriptor For(string? kind) =>
        ChannelKind.TryParse(kind, out var parsed) ? For(parsed) : ChannelDescriptor.Unknown(GlossaryChannels.OtherKind);

    public bool Knows(ChannelKind kind) => byKind.ContainsKey(kind);

    /// <summary>The kinds offered for <paramref name="use"/>, in order.</summary>
    public IReadOnlyList<ChannelDescriptor> OfferedFor(ChannelUses use) => All.Where(d => d.Uses.HasFlag(use)).ToList();

    /// <inheritdoc cref="AddressRule.Normalize"/>
    public string Normalize(ChannelKind kind, string? raw, string? defaultRegion = null) => For(kind).Addresses.Normalize(kind, raw, defaultRegion);

    public string Display(ChannelKind kind, string normalized) => For(kind).Addresses.Display(normalized);

    /// <summary>
    /// The same person's address under the other kinds that may denote them (a WhatsApp number as a
    /// phone): the address as a person reads it, read again by the other kind's rule. Kinds that
    /// cannot read it are left out.
    /// </summary>
    public IEnumerable<(ChannelKind Kind, string Address)> SamePerson(ChannelKind kind, string normalized)
    {
        var shown = Display(kind, normalized);
        foreach (var other in For(kind).SamePersonAs.OrderBy(k => k.Value, StringComparer.Ordinal))
        {
            string? address;
            try { address = Normalize(other, shown); }
            catch (DomainRuleException) { address = null; }
            if (address is not null) yield return (other, address);
        }
    }
}
