using Liaison.Core.Channels;

namespace Liaison.Server.Components.Shared;

/// <summary>How a channel kind looks in the UI, from its descriptor: label, colour class and glyph.</summary>
public sealed record KindLook(string Kind, string Label, string Glyph, string CssClass)
{
    public static KindLook Of(ChannelDescriptor d) => new(d.Kind.Value, d.Look.Label, d.Look.Glyph, d.Look.CssClass);
}

/// <summary>The lists of kinds the pages offer, each in the descriptors' order.</summary>
public static class KindLooks
{
    public static KindLook Look(this ChannelDescriptors channels, string? kind) => KindLook.Of(channels.For(kind));

    /// <summary>Kinds a contact's identity can have.</summary>
    public static IReadOnlyList<KindLook> IdentityKinds(this ChannelDescriptors channels) => Offered(channels, ChannelUses.Identity);

    /// <summary>Where a note can come from.</summary>
    public static IReadOnlyList<KindLook> NoteSources(this ChannelDescriptors channels) => Offered(channels, ChannelUses.NoteSource);

    /// <summary>Where a pasted fragment can come from.</summary>
    public static IReadOnlyList<KindLook> FragmentSources(this ChannelDescriptors channels) => Offered(channels, ChannelUses.FragmentSource);

    /// <summary>The placeholder of an address field for <paramref name="kind"/>.</summary>
    public static string AddressExample(this ChannelDescriptors channels, string? kind) =>
        channels.For(kind).Addresses.Example is { Length: > 0 } example ? example : "address or id";

    private static List<KindLook> Offered(ChannelDescriptors channels, ChannelUses use) => channels.OfferedFor(use).Select(KindLook.Of).ToList();
}
