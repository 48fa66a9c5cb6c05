using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Core.Outbound;

/// <summary>
/// What a channel project whose provider approves templates gives the server: the templates that may
/// be sent now (WhatsApp's approved message templates). The server keeps what it last fetched per
/// channel and offers those where free text cannot go (<see cref="ReplyWindow.Closed.TemplatesAllowed"/>).
/// </summary>
public interface ITemplateSource
{
    ChannelKind Kind { get; }

    /// <summary>The provider's approved templates for the account in <paramref name="settings"/>; throws with the provider's words when it cannot tell.</summary>
    Task<IReadOnlyList<ProviderTemplate>> FetchApprovedAsync(ChannelSettings settings, CancellationToken ct);
}

/// <summary>A template the provider approved, as the composer offers it.</summary>
/// <param name="Language">the provider's name for its language ("en_US", "pl").</param>
/// <param name="Category">the provider's category ("UTILITY", "MARKETING").</param>
/// <param name="Body">its text with the placeholders as written ("Your invoice {{1}} is due on {{2}}.").</param>
/// <param name="Parameters">the placeholders in order: "1", "2" for positional ones, the names for named ones.</param>
/// <param name="NamedParameters">the placeholders are names: a send names each value.</param>
public sealed record ProviderTemplate(string Name, string Language, string Category, string Body, IReadOnlyList<string> Parameters, bool NamedParameters = false)
{
    /// <summary>The body with <paramref name="values"/> put in place of its placeholders, as the client will read it.</summary>
    public string Fill(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = Body;
        for (var i = 0; i < Parameters.Count && i < values.Count; i++) text = text.Replace("{{" + Parameters[i] + "}}", values[i], StringComparison.Ordinal);
        return text;
    }
}
