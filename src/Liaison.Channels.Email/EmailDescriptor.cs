using Liaison.Core.Channels;
using Liaison.Core.Identities;
using Liaison.Core.Inbound;

namespace Liaison.Channels.Email;

/// <summary>
/// A mailbox as the rest of Liaison sees it: the settings <see cref="EmailSettings"/> reads, checked
/// by reading them; addresses as e-mail addresses; a thread per topic; fetched over IMAP.
/// </summary>
public sealed class EmailDescriptor() : ChannelDescriptor(ChannelKind.Email, new ChannelLook("E-mail", "@", "email"))
{
    private static readonly (string, string)[] TlsChoices = [("ssl", "SSL/TLS"), ("starttls", "STARTTLS"), ("none", "None (unencrypted)")];

    public static EmailDescriptor Instance { get; } = new()
    {
        Uses = ChannelUses.Account | ChannelUses.Identity | ChannelUses.NoteSource | ChannelUses.FragmentSource,
        Order = 10,
        Addresses = AddressRules.Email,
        Threads = ThreadRule.PerTopic,
        Receives = Receiving.Pulling,
        Capabilities = new ChannelCapabilities(Subjects: true),
        Settings =
        [
            new("address", "E-mail address", SettingKind.Email) { Help = "The mailbox's own address: mail from it is shown as sent by you." },
            new("user", "IMAP user") { Row = "login" },
            new("password", "Password", SettingKind.Password) { Help = "Stored encrypted on this server.", Row = "login" },
            new("imap.host", "IMAP host", SettingKind.Host) { Row = "imap" },
            new("imap.port", "IMAP port", SettingKind.Port) { Required = false, Help = "993 with SSL/TLS, 143 otherwise.", Row = "imap" },
            new("imap.tls", "IMAP security", SettingKind.Choice) { Required = false, Default = "ssl", Choices = TlsChoices, Row = "imap" },
            new("smtp.host", "SMTP host", SettingKind.Host) { Required = false, Row = "smtp" },
            new("smtp.port", "SMTP port", SettingKind.Port) { Required = false, Help = "465 with SSL/TLS, 587 with STARTTLS.", Row = "smtp" },
            new("smtp.tls", "SMTP security", SettingKind.Choice)
                { Required = false, Default = "starttls", Choices = [TlsChoices[1], TlsChoices[0], TlsChoices[2]], Row = "smtp" },
            new("smtp.user", "SMTP user") { Required = false, Help = "If it differs from the IMAP user.", Row = "smtp-login" },
            new("smtp.password", "SMTP password", SettingKind.Password) { Required = false, Help = "If it differs from the IMAP password.", Row = "smtp-login" },
            new("folders", "Folders to sync") { Required = false, Help = "Comma-separated; INBOX and Sent when empty." },
            new("name", "Your name in From") { Required = false, Help = "The name your clients see next to the address." },
            new("aliases", "Other own addresses") { Required = false, Help = "Comma-separated: mail from them is shown as sent by you too." },
            new("sent.append", "Keep a copy in Sent", SettingKind.Choice)
                { Required = false, Default = "true", Choices = [("true", "Yes"), ("false", "No: the provider files sent mail itself (Gmail, Outlook.com)")] },
        ],
    };

    // Reading the settings as the sync and the sender will checks the host names (MailHosts) and
    // the ports and TLS modes as they will be used.
    protected override void Validate(ChannelSettings settings) => EmailSettings.From(settings);

    // Compared as the connection will be made (defaults applied, host in any case), so writing out
    // the default port or the host in capitals is no change.
    public override IEnumerable<(string Secret, object Server)> SecretDestinations(ChannelSettings settings)
    {
        var mailbox = EmailSettings.From(settings);
        yield return ("password", Endpoint("imap", mailbox.Imap));
        if (mailbox.Smtp is { } smtp) yield return (settings["smtp.password"] is { Length: > 0 } ? "smtp.password" : "password", Endpoint("smtp", smtp));
    }

    /// <summary>
    /// The same IMAP host and user: a new port or security (143 with starttls for 993 with ssl)
    /// reaches the same mailbox, and so does a new password. Another mailbox is read from its start:
    /// UIDVALIDITY alone would not protect it, since two mailboxes on one server created in the same
    /// second can share it, and the old mailbox's last UID would then skip the new one's first mails.
    /// </summary>
    public override bool SameAccount(ChannelSettings before, ChannelSettings after) =>
        SameName(before["imap.host"], after["imap.host"]) && SameName(before["user"], after["user"]);

    private static bool SameName(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static MailEndpoint Endpoint(string protocol, MailServer server) =>
        new(protocol, server.User, server.Host.ToLowerInvariant(), server.Port, server.Tls);

    private sealed record MailEndpoint(string Protocol, string User, string Host, int Port, MailTls Tls);
}
