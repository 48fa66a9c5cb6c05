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
/// <param name="RefusedRecipients">the SMTP server's reply for each recipient it would not take
/// ("550 5.1.1 &lt;x@y&gt;: Recipient address rejected: …"); the mail went to the others. Empty when all took it.</param>
public sealed record SentEmail(string MessageId, bool CopiedToSent, string? SentCopyError = null, IReadOnlyList<string>? RefusedRecipients = null)
{
    public IReadOnlyList<string> RefusedRecipients { get; init; } = RefusedRecipients ?? [];
}

/// <summary>
/// The SMTP server refused the mail for good (RFC 5321's 5xx: an unknown recipient, a message too
/// large): sent again unchanged it would be refused again. A failure that may pass (a 4xx reply, a
/// server that cannot be reached) is MailKit's or the network's own exception.
/// </summary>
/// <param name="Code">the reply code ("550"); the first refused recipient's when each was refused.</param>
/// <param name="Words">the server's reply as it said it, code included ("550 5.1.1 &lt;x@y&gt;: Recipient address rejected: …").</param>
public sealed class SmtpRefusedException(string? code, string words, Exception? innerException = null)
    : Exception($"The mail server refused it: {words}", innerException)
{
    public string? Code { get; } = code;
    public string Words { get; } = words;
}

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
    /// Throws <see cref="SmtpRefusedException"/> with the server's words when the SMTP server refuses
    /// it for good (a 5xx reply to the sender, to every recipient or to the message itself), and
    /// MailKit's or the network's exception when it may pass (a 4xx reply, no connection). When the
    /// server takes some recipients and refuses others, the mail goes to those it took and the refused
    /// are reported in <see cref="SentEmail.RefusedRecipients"/>, as a bounce would tell: the mail has
    /// left, and a retry would send it twice. A failed copy to Sent is reported, not thrown, for the same reason.
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

        List<string> refused;
        using (var client = new RecipientTolerantSmtpClient())
        {
            await smtp.ConnectAsync(client, ct);
            try
            {
                await client.SendAsync(message, ct);
            }
            catch (SmtpCommandException e) when (IsPermanent(e.StatusCode)
                && e.ErrorCode is SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
            {
                throw new SmtpRefusedException(Code(e.StatusCode), Words(e.StatusCode, e.Message), e);
            }
            refused = client.Refused.Select(r => Words(r.StatusCode, r.Response)).ToList();
            // The mail has left: a QUIT that fails (a dropped connection) must not make it look unsent.
            try { await client.DisconnectAsync(quit: true, ct); }
            catch (Exception e) { _logger.LogDebug(e, "Sent {MessageId}; the SMTP server's goodbye failed: {Error}", message.MessageId, e.Message); }
        }
        if (refused.Count > 0)
            _logger.LogWarning("Sent {MessageId}, but the SMTP server refused {Count} recipient(s): {Refused}", message.MessageId, refused.Count, string.Join("; ", refused));

        if (!settings.AppendToSent) return new SentEmail(message.MessageId, CopiedToSent: false, RefusedRecipients: refused);
        try
        {
            await AppendToSentAsync(settings, message, ct);
            return new SentEmail(message.MessageId, CopiedToSent: true, RefusedRecipients: refused);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Sent {MessageId} but could not append it to Sent: {Error}", message.MessageId, e.Message);
            return new SentEmail(message.MessageId, CopiedToSent: false, e.Message, refused);
        }
    }

    /// <summary>5xx: RFC 5321's permanent negative reply. 4xx (greylisting, a full mailbox, a busy server) may pass on its own.</summary>
    private static bool IsPermanent(SmtpStatusCode code) => (int)code is >= 500 and < 600;

    private static string Code(SmtpStatusCode code) => ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The server's reply as it said it: MailKit keeps the code apart from the text.</summary>
    private static string Words(SmtpStatusCode code, string text) => $"{(int)code} {text}";

    /// <summary>
    /// Sends to the recipients the server takes and notes the others, where MailKit by default gives
    /// up on the whole mail at the first refused recipient: the mail to a client and a colleague in Cc
    /// should not wait on a typo in the colleague's address. With no recipient taken, nothing is sent
    /// and the refusal is thrown: for good when every reply was a 5xx, else to be retried.
    /// </summary>
    private sealed class RecipientTolerantSmtpClient : SmtpClient
    {
        public List<(MailboxAddress Mailbox, SmtpStatusCode StatusCode, string Response)> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Refused.Add((mailbox, response.StatusCode, response.Response));

        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            var words = string.Join("; ", Refused.Select(r => Words(r.StatusCode, r.Response)));
            // A 4xx for any of them: that one may take it later, so the whole mail is tried again.
            if (Refused.FirstOrDefault(r => !IsPermanent(r.StatusCode)) is { Mailbox: not null } passing)
                throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, passing.StatusCode, passing.Mailbox,
                    Refused.Count == 1 ? passing.Response : words);
            throw new SmtpRefusedException(Refused.Count > 0 ? Code(Refused[0].StatusCode) : null, words);
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
