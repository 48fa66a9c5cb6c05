using Liaison.Core.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// The kinds of channel this server can connect, as their descriptors give them: what the Channels
/// page renders its connect and edit forms from, and what a script reads to know which settings to send.
/// </summary>
public static class ChannelKinds
{
    /// <param name="Receives">"webhook", "pulling" or both, before the settings say otherwise.</param>
    /// <param name="NeedsPublicUrl">a webhook channel whose provider must reach this server, while <c>Liaison:PublicBaseUrl</c> is missing or a loopback address.</param>
    public sealed record KindView(string Kind, string Label, string Glyph, string Tone, IReadOnlyList<FieldView> Settings, IReadOnlyList<string> Receives,
        ChannelCapabilities Capabilities, bool NeedsPublicUrl);

    /// <param name="Kind">text, password, number, host, email, bool or choice.</param>
    public sealed record FieldView(string Name, string Label, string Kind, bool Secret, bool Required, string? Help, string? Default,
        IReadOnlyList<ChoiceView> Choices, string? Row);

    public sealed record ChoiceView(string Value, string Label);

    public static Ok<List<KindView>> List(ChannelDirectory directory, ChannelDescriptors descriptors, IOptions<LiaisonOptions> options) =>
        TypedResults.Ok(Connectable(directory, descriptors).Select(d => View(d, options.Value)).ToList());

    /// <summary>The descriptors of the kinds that can be connected here: described as accounts, with an adapter registered.</summary>
    public static IEnumerable<ChannelDescriptor> Connectable(ChannelDirectory directory, ChannelDescriptors descriptors) =>
        descriptors.OfferedFor(ChannelUses.Account).Where(d => directory.AdapterFor(d.Kind) is not null);

    public static KindView View(ChannelDescriptor d, LiaisonOptions options) =>
        new(d.Kind.Value, d.Look.Label, d.Look.Glyph, d.Look.Tone,
            d.Settings.Select(f => new FieldView(f.Name, f.Label, f.Kind.ToString().ToLowerInvariant(), f.Secret, f.Required, f.Help, f.Default,
                f.Choices.Select(c => new ChoiceView(c.Value, c.Label)).ToList(), f.Row)).ToList(),
            Enum.GetValues<Receiving>().Where(r => r != Receiving.None && d.Receives.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant()).ToList(),
            d.Capabilities,
            d.Receives.HasFlag(Receiving.Webhook) && !options.HasPublicAddress);
}
