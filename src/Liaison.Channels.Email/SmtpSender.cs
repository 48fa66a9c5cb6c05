using Liaison.Core;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Utils;
using NodaTime;

namespace Liaison.Channels.Email;

/// <summary>What we write: a new message (no <see cref="ReplyTo"/>) or a reply to a received one.</summary>
/// <param name="ReplyTo">the mail answered: its Message-ID goes to In-Reply-To, and References grows by it.</param>
public sealed record EmailDraft(
    IReadOnlyList<MailboxAddress> To,
    string Subject,
    string Text,
    string? Html = null,
    MimeMessage? ReplyTo = null,
    IReadOnlyList<MailboxAddress>? Cc = null);

/// <summary>The outcome of a send: the Message-ID the mail went out with, and whether its copy reached Sent.</summary>
/// <param name="SentCopyError">why the copy could not be appended; the mail itself was sent and must not be sent again.</param>
public sealed record SentEmail(string MessageId, bool CopiedToSent, string? SentCopyError = null);

/// <summary>
/// Sends mail over SMTP and appends a copy to the mailbox's Sent folder over IMAP, as mail clients
/// do, so the thread looks the same in every client. The durable outbox (retry with backoff, never
/// twice) lives in the server: it composes first, stores the Message-ID, then calls
/// <see cref="SendAsync(EmailSettings, MimeMessage, CancellationToken)"/>.
/// </summary>
public sealed class SmtpSender(IClock clock, ILogger<SmtpSender>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Builds the MIME message for a draft: From, Date, a new Message-ID and, for a reply, In-Reply-To and References.</summary>
    public MimeMessage Compose(EmailSettings settings, EmailDraft draft)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(draft);
        RequireSubject(draft.Subject);
        if (draft.To.Count == 0) throw new DomainRuleException("email.recipient.required", "An e-mail needs at least one recipient.", "to");

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.DisplayName, settings.Address));
        message.To.AddRange(draft.To);
        if (draft.Cc is { } cc) message.Cc.AddRange(cc);
        message.Subject = draft.Subject.Trim();
        message.Date = clock.GetCurrentInstant().ToDateTimeOffset();
        message.MessageId = MimeUtils.GenerateMessageId(DomainOf(settings.Address));
        if (draft.ReplyTo is { } original && !string.IsNullOrWhiteSpace(original.MessageId))
        {
            message.InReplyTo = original.MessageId;
            foreach (var reference in original.References) message.References.Add(reference);
            message.References.Add(original.MessageId);
        }
        var body = new BodyBuilder { TextBody = draft.Text, HtmlBody = draft.Html };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Composes and sends a draft; see <see cref="SendAsync(EmailSettings, MimeMessage, CancellationToken)"/>.</summary>
    public Task<SentEmail> SendAsync(EmailSettings settings, EmailDraft draft, CancellationToken ct) =>
        SendAsync(settings, Compose(settings, draft), ct);

    /// <summary>
    /// Sends a prepared message (Date and Message-ID are added when missing) and appends it to Sent.
    /// Throws when the SMTP server refuses it; a failed copy to Sent is reported, not thrown, since
    /// the mail has left and a retry would send it twice.
    /// </summary>
    public async Task<SentEmail> SendAsync(EmailSettings settings, MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(message);
        RequireSubject(message.Subject);
        var smtp = settings.Smtp ?? throw new DomainRuleException("channel.setting.missing", "The mailbox has no SMTP server to send with.", "smtp.host");
        if (message.From.Count == 0) message.From.Add(new MailboxAddress(settings.DisplayName, settings.Address));
        if (!message.Headers.Contains(HeaderId.Date)) message.Date = clock.GetCurrentInstant().ToDateTimeOffset();
        if (string.IsNullOrWhiteSpace(message.MessageId)) message.MessageId = MimeUtils.GenerateMessageId(DomainOf(settings.Address));

        using (var client = new SmtpClient())
        {
            await smtp.ConnectAsync(client, ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
        }

        if (!settings.AppendToSent) return new SentEmail(message.MessageId, CopiedToSent: false);
        try
        {
            await AppendToSentAsync(settings, message, ct);
            return new SentEmail(message.MessageId, CopiedToSent: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Sent {MessageId} but could not append it to Sent: {Error}", message.MessageId, e.Message);
            return new SentEmail(message.MessageId, CopiedToSent: false, e.Message);
        }
    }

    private static async Task AppendToSentAsync(EmailSettings settings, MimeMessage message, CancellationToken ct)
    {
        using var client = new ImapClient();
        await settings.Imap.ConnectAsync(client, ct);
        IMailFolder? sent = null;
        if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0)
            sent = client.GetFolder(SpecialFolder.Sent);
        sent ??= await client.GetFolderAsync("Sent", ct);
        await sent.AppendAsync(new AppendRequest(message, MessageFlags.Seen), ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private static void RequireSubject(string? subject)
    {
        // Seed 001: business mail always has a subject; one topic per thread starts with naming it.
        if (string.IsNullOrWhiteSpace(subject))
            throw new DomainRuleException("email.subject.required", "An e-mail needs a subject.", "subject");
    }

    private static string DomainOf(string address) => address.Contains('@', StringComparison.Ordinal) ? address[(address.LastIndexOf('@') + 1)..] : "liaison.local";
}
