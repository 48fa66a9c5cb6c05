using Liaison.Core;
using Liaison.Core.Inbound;
using MailKit.Security;

namespace Liaison.Channels.Email;

/// <summary>How a connection is secured: none (tests, local relays), implicit TLS, or STARTTLS.</summary>
public enum MailTls
{
    None,
    Ssl,
    StartTls,
}

/// <summary>One server end-point of a mailbox (IMAP or SMTP).</summary>
public sealed record MailServer(string Host, int Port, MailTls Tls, string User, string Password)
{
    /// <summary>
    /// Connects and logs in with one attempt: MailKit's default tries every mechanism the server
    /// offers (PLAIN, LOGIN, then the LOGIN command), so one wrong password counted three failures
    /// against the account at the provider.
    /// </summary>
    internal async Task ConnectAsync(MailKit.IMailService client, CancellationToken ct)
    {
        // Connected here, after the resolved addresses are checked (MailHosts), then handed to MailKit.
        var socket = await MailHosts.ConnectAsync(Host, Port, TimeSpan.FromMilliseconds(client.Timeout), ct);
        try
        {
            await client.ConnectAsync(socket, Host, Port, SocketOptions, ct);
        }
        catch (MailKit.ProtocolException e)
        {
            // MailKit quotes what the peer sent ("Unexpected token: [atom: SSH-2.0-OpenSSH_9.6]"):
            // the status shows a plain sentence and the log the sanitised detail.
            socket.Dispose();
            throw new MailConnectionException(MailHosts.NotAServer(Host, Port, client is MailKit.Net.Smtp.SmtpClient ? "SMTP" : "IMAP"), e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        // An SMTP relay that trusts the network (as the tests' Postfix does) offers no AUTH at all.
        if (User.Length == 0 || (client is MailKit.Net.Smtp.SmtpClient && client.AuthenticationMechanisms.Count == 0)) return;
        if (client.AuthenticationMechanisms.Contains("PLAIN"))
            await client.AuthenticateAsync(new SaslMechanismPlain(User, Password), ct);
        else
            await client.AuthenticateAsync(User, Password, ct);
    }

    internal SecureSocketOptions SocketOptions => Tls switch
    {
        MailTls.Ssl => SecureSocketOptions.SslOnConnect,
        MailTls.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };
}

/// <summary>
/// A mailbox channel's settings, read from <see cref="ChannelSettings"/>. The names below are what
/// the server stores (encrypted) and the connect form asks for:
/// <list type="bullet">
/// <item><c>address</c> (required) the mailbox's own address; <c>aliases</c> more own addresses, comma-separated;
/// <c>name</c> the display name used in From.</item>
/// <item><c>imap.host</c>, <c>imap.port</c> (993 / 143), <c>imap.tls</c> (none | ssl | starttls, default ssl).</item>
/// <item><c>smtp.host</c>, <c>smtp.port</c> (465 / 587), <c>smtp.tls</c> (default starttls).</item>
/// <item><c>user</c>, <c>password</c> for both; <c>smtp.user</c>/<c>smtp.password</c> override them for SMTP.</item>
/// <item><c>folders</c> comma-separated folders to sync; default INBOX and the folder marked \Sent.</item>
/// <item><c>sent.append</c> false for providers that file sent mail themselves (Gmail, Outlook.com): no copy is appended.</item>
/// </list>
/// </summary>
public sealed record EmailSettings(
    string Address,
    IReadOnlyList<string> Aliases,
    string? DisplayName,
    MailServer Imap,
    MailServer? Smtp,
    IReadOnlyList<string>? Folders,
    bool AppendToSent = true)
{
    /// <summary>The mailbox's own addresses, lower-case: mail from one of them is ours (outbound).</summary>
    public IReadOnlySet<string> OwnAddresses { get; } =
        new HashSet<string>(Aliases.Append(Address).Select(a => a.Trim().ToLowerInvariant()), StringComparer.Ordinal);

    public static EmailSettings From(ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var user = settings.Required("user");
        var password = settings.Required("password");
        var imapTls = Tls(settings, "imap.tls", MailTls.Ssl);
        var imap = new MailServer(
            Host(settings, "imap.host"),
            Port(settings, "imap.port", imapTls == MailTls.Ssl ? 993 : 143),
            imapTls, user, password);
        MailServer? smtp = null;
        if (settings["smtp.host"] is { Length: > 0 })
        {
            var smtpHost = Host(settings, "smtp.host");
            var smtpTls = Tls(settings, "smtp.tls", MailTls.StartTls);
            smtp = new MailServer(smtpHost, Port(settings, "smtp.port", smtpTls == MailTls.Ssl ? 465 : 587), smtpTls,
                settings["smtp.user"] ?? user, settings["smtp.password"] ?? password);
        }
        return new EmailSettings(settings.Required("address"), List(settings["aliases"]), settings["name"], imap, smtp,
            settings["folders"] is { Length: > 0 } folders ? List(folders) : null,
            !string.Equals(settings["sent.append"]?.Trim(), "false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The own addresses alone: all that parsing needs, so Parse works without server settings.</summary>
    internal static IReadOnlySet<string> OwnAddressesOf(ChannelSettings settings) =>
        new HashSet<string>(List(settings["aliases"]).Append(settings["address"] ?? "")
            .Where(a => a.Length > 0).Select(a => a.ToLowerInvariant()), StringComparer.Ordinal);

    private static List<string> List(string? value) =>
        (value ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    // A URL or "host:port" typed into the host field would otherwise only show up as a socket error
    // on the channel's status; refused when the settings are stored, it is pointed at on its field.
    private static string Host(ChannelSettings settings, string name)
    {
        var host = settings.Required(name).Trim();
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? MailHosts.Check(host, name)
            : throw new DomainRuleException("channel.setting.invalid", $"'{name}' must be a host name or IP address such as mail.example.com; got '{host}'.", name);
    }

    private static int Port(ChannelSettings settings, string name, int fallback) =>
        settings[name] is not { Length: > 0 } text ? fallback
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new DomainRuleException("channel.setting.invalid", $"'{name}' must be a port number (1-65535); got '{text}'.", name);

    private static MailTls Tls(ChannelSettings settings, string name, MailTls fallback) => settings[name]?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "none" => MailTls.None,
        "ssl" or "tls" => MailTls.Ssl,
        "starttls" => MailTls.StartTls,
        var other => throw new DomainRuleException("channel.setting.invalid", $"'{name}' is none, ssl or starttls; got '{other}'.", name),
    };
}
