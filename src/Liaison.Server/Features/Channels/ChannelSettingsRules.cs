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

    // Which servers each kind's secrets are sent to. A kind without an entry sends its secrets nowhere
    // the settings can change (a webhook's secret only checks what is posted here).
    private static readonly Dictionary<ChannelKind, Func<ChannelSettings, IEnumerable<(string Secret, object Server)>>> SecretUses = new()
    {
        [ChannelKind.Email] = MailboxSecretUses,
    };

    /// <summary>
    /// A stored secret belongs to the server it was entered for: an edit that keeps it (left empty)
    /// while pointing it at another host, port, TLS mode or user would hand the owner's password to
    /// whoever runs that server, so the secret must be entered again. Throws naming the secret.
    /// </summary>
    public static void CheckKeptSecrets(ChannelKind kind, ChannelSettings stored, ChannelSettings edited, IReadOnlySet<string> kept)
    {
        if (kept.Count == 0 || !SecretUses.TryGetValue(kind, out var uses)) return;
        var before = UsesOrNone(uses, stored);
        foreach (var (secret, server) in uses(edited))
            if (kept.Contains(secret) && !before.Contains((secret, server)))
                throw new Core.DomainRuleException("channel.secret.reenter", $"Enter the {SecretLabel(secret)} again: the server changed.", secret);
    }

    private static HashSet<(string, object)> UsesOrNone(Func<ChannelSettings, IEnumerable<(string, object)>> uses, ChannelSettings settings)
    {
        try { return uses(settings).ToHashSet(); }
        catch (Core.DomainRuleException) { return []; } // stored settings that no longer read: no server is known to have the secret
    }

    // Compared as the connection will be made (defaults applied, host in any case), so writing out
    // the default port or the host in capitals is no change.
    private static IEnumerable<(string Secret, object Server)> MailboxSecretUses(ChannelSettings settings)
    {
        var mailbox = EmailSettings.From(settings);
        yield return ("password", Endpoint("imap", mailbox.Imap));
        if (mailbox.Smtp is { } smtp) yield return (settings["smtp.password"] is { Length: > 0 } ? "smtp.password" : "password", Endpoint("smtp", smtp));
    }

    private static MailEndpoint Endpoint(string protocol, MailServer server) =>
        new(protocol, server.User, server.Host.ToLowerInvariant(), server.Port, server.Tls);

    private sealed record MailEndpoint(string Protocol, string User, string Host, int Port, MailTls Tls);

    private static string SecretLabel(string name) => name switch
    {
        "password" => "password",
        "smtp.password" => "SMTP password",
        _ => name,
    };

    /// <summary>True for a setting whose value is a credential: stored encrypted, never returned, kept when an edit leaves it empty.</summary>
    public static bool IsSecret(string name) =>
        SecretEndings.Any(ending => name.EndsWith(ending, StringComparison.OrdinalIgnoreCase));
}
