using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// The outbox's sender for mailboxes: <see cref="SmtpSender"/> behind <see cref="IChannelSender"/>.
/// SMTP lets the sender name its mail, so the Message-ID is made up in <see cref="Prepare"/> and the
/// server stores it before the mail leaves; the Sent copy that the IMAP sync brings back later is
/// then the same message to the pipeline, and <see cref="WasSentAsync"/> can look for it after a crash.
/// </summary>
public sealed class EmailSender(SmtpSender smtp) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Email;

    public OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var email = EmailSettings.From(settings);
        if (email.Smtp is null) throw new DomainRuleException("channel.setting.missing", "The mailbox has no SMTP server to send with.", "smtp.host");
        // Not yet read from the attachment store here: refused when queued rather than sent without them.
        if (draft.Content.Attachments.Count > 0)
            throw new DomainRuleException("email.attachments.unsupported", "Liaison cannot send attachments by e-mail yet.", "attachments");
        if (draft.Content.Template is not null)
            throw new DomainRuleException("email.template.unsupported", "E-mail has no provider templates; send the text itself.", "template");
        // Compose checks the subject and the recipient with the rules a send would apply.
        var composed = Compose(email, draft);
        return draft with { ProviderMessageId = composed.MessageId };
    }

    public async Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.ProviderMessageId is null) throw new InvalidOperationException("Prepare the draft first: its Message-ID must be stored before it is sent.");
        var email = EmailSettings.From(settings);
        try
        {
            var sent = await smtp.SendAsync(email, Compose(email, draft), ct);
            return new SendOutcome.Sent(sent.MessageId, Warning(sent));
        }
        catch (SmtpRefusedException e)
        {
            return new SendOutcome.Rejected(e.Code, e.Message);
        }
    }

    private static string? Warning(SentEmail sent)
    {
        var problems = new List<string>();
        if (sent.RefusedRecipients.Count > 0) problems.Add($"the mail server refused some recipients: {string.Join("; ", sent.RefusedRecipients)}");
        if (sent.SentCopyError is { } copyError) problems.Add($"the copy to Sent failed: {copyError}");
        return problems.Count == 0 ? null : $"Sent, but {string.Join("; and ", problems)}";
    }

    /// <summary>Looks for the Message-ID in the Sent folder: SmtpSender appends there right after SMTP accepts the mail.</summary>
    public async Task<bool?> WasSentAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.ProviderMessageId is null) return false;
        var email = EmailSettings.From(settings);
        using var client = new ImapClient();
        await email.Imap.ConnectAsync(client, ct);
        IMailFolder? sent = null;
        if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0)
            sent = client.GetFolder(SpecialFolder.Sent);
        sent ??= await client.GetFolderAsync("Sent", ct);
        await sent.OpenAsync(FolderAccess.ReadOnly, ct);
        var found = await sent.SearchAsync(SearchQuery.HeaderContains("Message-ID", draft.ProviderMessageId), ct);
        await client.DisconnectAsync(quit: true, ct);
        return found.Count > 0;
    }

    private MimeMessage Compose(EmailSettings email, OutboundDraft draft)
    {
        if (!MailboxAddress.TryParse(draft.To, out var to))
            throw new DomainRuleException("email.recipient.invalid", $"'{draft.To}' is not an e-mail address.", "to");
        var content = draft.Content;
        var message = smtp.Compose(email, new EmailDraft([to], content.Subject ?? "", content.Text));
        if (draft.ProviderMessageId is { } id) message.MessageId = id;
        MailAutomation.MarkAutomatic(message, content.Purpose);
        // Ids of mail that had no Message-ID ("sha256:…") or threads keyed by subject are ours, not the
        // world's: they must not appear in headers.
        if (content.ReplyToProviderMessageId is { } inReplyTo && IsMessageId(inReplyTo)) message.InReplyTo = inReplyTo;
        foreach (var reference in content.References)
            if (IsMessageId(reference)) message.References.Add(reference);
        return message;
    }

    private static bool IsMessageId(string id) => id.Contains('@', StringComparison.Ordinal) && !id.Contains(':', StringComparison.Ordinal);
}
