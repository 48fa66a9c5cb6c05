using Liaison.Channels.Email;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// What the server checks of a channel's settings before it stores them (on connect and on edit), so
/// a mistyped port or host is refused on its field instead of surfacing later as a failing sync; and
/// which settings are secrets, whose values never leave the server.
/// </summary>
public static class ChannelSettingsRules
{
    // One entry per kind whose settings have rules. Like the UI's list of setting fields, this gives
    // way once a channel project supplies its own check next to its adapter (IChannelAdapter in Core
    // has no place for it yet); a kind without an entry is stored as given.
    private static readonly Dictionary<ChannelKind, Action<ChannelSettings>> Checks = new()
    {
        [ChannelKind.Email] = settings => EmailSettings.From(settings),
    };

    // By name, so a new channel's credentials are withheld without being listed anywhere:
    // appSecret, verifyToken, password, smtp.password, apiKey.
    private static readonly string[] SecretEndings = ["password", "secret", "token", "key"];

    /// <summary>Throws a <see cref="Core.DomainRuleException"/> naming the setting when <paramref name="settings"/> cannot work for <paramref name="kind"/>.</summary>
    public static void Check(ChannelKind kind, IReadOnlyDictionary<string, string> settings)
    {
        if (Checks.TryGetValue(kind, out var check)) check(new ChannelSettings(settings));
    }

    /// <summary>True for a setting whose value is a credential: stored encrypted, never returned, kept when an edit leaves it empty.</summary>
    public static bool IsSecret(string name) =>
        SecretEndings.Any(ending => name.EndsWith(ending, StringComparison.OrdinalIgnoreCase));
}
