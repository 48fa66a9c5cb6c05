using System.Runtime.InteropServices;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using Liaison.Html;
using MimeKit;
using MimeKit.Utils;
using NodaTime;

namespace Liaison.Channels.Email;

/// <summary>
/// Reads one raw RFC 822 mail (fetched by <see cref="ImapSync"/> from INBOX or Sent) into the
/// message the pipeline records. Mail arrives by pull, never by webhook: the sync computes the
/// delivery key (<see cref="DeliveryKeyFor"/>); <see cref="IsAuthentic"/> refuses every webhook.
/// </summary>
/// <remarks>
/// Direction comes from From: one of the mailbox's own addresses (<c>address</c>, <c>aliases</c>)
/// means we sent it, from this mailbox or another client, and it joins the thread as outbound.
/// </remarks>
public sealed class EmailAdapter(MailLimits? limits = null) : IChannelAdapter
{
    /// <summary>
    /// How deep multiparts (and attached mails) are read as such; deeper ones stay one opaque part.
    /// MimeKit's parser recurses per level, and real mail nests a handful.
    /// </summary>
    public const int MaxMimeDepth = 32;

    private readonly MailLimits _limits = limits ?? new MailLimits();

    static EmailAdapter() => MailCharsets.EnsureRegistered();

    public ChannelKind Kind => ChannelKind.Email;

    public bool IsAuthentic(WebhookRequest request, ChannelSettings settings) => false;

    /// <summary>The delivery key of a raw mail: its Message-ID, or its content hash when it has none.</summary>
    public DeliveryKey Identify(ReadOnlySpan<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            var headers = HeaderList.Load(ParserOptions.Default, stream);
            var id = headers[HeaderId.MessageId];
            if (!string.IsNullOrWhiteSpace(id) && MimeUtils.EnumerateReferences(id).FirstOrDefault() is { } messageId)
                return DeliveryKeyFor(messageId);
        }
        catch (FormatException)
        {
        }
        return DeliveryKey.FromContent(body);
    }

    /// <summary>
    /// A mail's delivery key from its Message-ID, so the same mail in INBOX and Sent, or fetched again
    /// after a UIDVALIDITY change, is stored once.
    /// </summary>
    public static DeliveryKey DeliveryKeyFor(string messageId) => new("mid:" + messageId.Trim().TrimStart('<').TrimEnd('>'));

    public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
    {
        var stream = MemoryMarshal.TryGetArray(body, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        using (stream)
        using (var content = Read(stream, settings))
        {
            var attachments = content.Attachments
                .Select(a => new InboundAttachment(a.FileName, a.ContentType, a.ToArray(), ContentId: a.ContentId))
                .ToList();
            return [content.Message with { Attachments = attachments }];
        }
    }

    /// <summary>The stored payload read in place: attachments are decoded from it when the pipeline copies them out.</summary>
    public IReadOnlyList<InboundItem> Parse(Stream payload, ChannelSettings settings)
    {
        // Not disposed here: the attachments' CopyTo reads the parsed parts while the caller keeps the payload open.
        var content = Read(payload, settings);
        var attachments = content.Attachments
            .Select(a => new InboundAttachment(a.FileName, a.ContentType, ContentId: a.ContentId, CopyTo: a.CopyToAsync))
            .ToList();
        return [content.Message with { Attachments = attachments }];
    }

    /// <summary>
    /// Reads a mail from a seekable stream (the stored payload) without loading attachments: their
    /// bytes stay in the stream until <see cref="EmailAttachment.CopyToAsync"/>.
    /// </summary>
    /// <exception cref="UnreadableEmailException">the payload is not a mail.</exception>
    public EmailContent Read(Stream payload, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(settings);
        if (!payload.CanSeek) throw new ArgumentException("The payload must be seekable (a stored file or a buffer).", nameof(payload));

        var mime = Load(payload);
        try
        {
            return Describe(mime, EmailSettings.OwnAddressesOf(settings), _limits);
        }
        catch
        {
            mime.Dispose();
            throw;
        }
    }

    private static MimeMessage Load(Stream payload)
    {
        var start = payload.Position;
        try
        {
            // Headers first, to learn which charset their raw 8-bit bytes (if any) are in; MimeKit
            // tries UTF-8 and falls back to ParserOptions.CharsetEncoding for such headers.
            var options = ParserOptions.Default.Clone();
            options.MaxMimeDepth = MaxMimeDepth;
            var headers = HeaderList.Load(options, payload);
            var raw8Bit = headers.SelectMany(h => h.RawValue).ToArray();
            if (raw8Bit.Any(b => b >= 0x80)) options.CharsetEncoding = MailCharsets.Guess(raw8Bit);
            payload.Position = start;
            // persistent: parts refer to ranges of the payload instead of copies of it.
            var parser = new MimeParser(options, payload, persistent: true);
            var message = parser.ParseMessage();
            if (message.From.Count == 0 && message.Headers[HeaderId.Date] is null && message.MessageId is null && message.Subject is null)
            {
                message.Dispose();
                throw new UnreadableEmailException("The payload is not an e-mail message: it has no From, Date, Message-ID or Subject header.");
            }
            return message;
        }
        catch (FormatException e)
        {
            throw new UnreadableEmailException($"The payload is not an e-mail message MimeKit can read: {e.Message}", e);
        }
    }

    private static EmailContent Describe(MimeMessage mime, IReadOnlySet<string> own, MailLimits limits)
    {
        var from = mime.From.Mailboxes.FirstOrDefault() ?? mime.Sender
            ?? throw new UnreadableEmailException("The mail has no From address, so it cannot be attributed to anyone.");
        var outbound = own.Contains(from.Address.ToLowerInvariant());
        var signs = MailAutomation.SignsOf(mime);
        var counterpart = outbound
            ? mime.To.Mailboxes.Concat(mime.Cc.Mailboxes).Concat(mime.Bcc.Mailboxes).FirstOrDefault() ?? from
            : from;

        var (plainPart, htmlPart) = BodyParts(mime);
        var html = htmlPart is null ? null : TextOf(htmlPart);
        var prepared = html is null ? null : SafeHtml.Prepare(html, withText: plainPart is null);
        // One line-end convention and no trailing blank lines, whatever the sender's client did.
        var text = (plainPart is not null ? TextOf(plainPart) : prepared?.Text ?? "").ReplaceLineEndings("\n").TrimEnd();
        var referenced = prepared?.Html is null ? new HashSet<string>() : ReferencedContentIds(prepared.Html);

        // Empty parts are nothing to keep; past the cap the parts are counted, not extracted (the raw mail stays stored).
        var attachments = new List<EmailAttachment>();
        var leftOut = 0;
        foreach (var part in mime.BodyParts)
        {
            if (ReferenceEquals(part, plainPart) || ReferenceEquals(part, htmlPart) || IsEmpty(part)) continue;
            if (attachments.Count >= limits.MaxAttachmentsPerMessage) leftOut++;
            else attachments.Add(AttachmentOf(part, attachments.Count + 1, referenced));
        }

        var message = new InboundMessage(
            MailThreading.ProviderMessageId(mime, text),
            SentAt(mime),
            outbound ? MessageDirection.Outbound : MessageDirection.Inbound,
            counterpart.Address,
            string.IsNullOrWhiteSpace(counterpart.Name) ? null : counterpart.Name.Trim(),
            text,
            prepared?.Html,
            mime.Subject?.Trim(),
            MailThreading.ThreadKey(mime),
            attachments.Select(a => new InboundAttachment(a.FileName, a.ContentType)).ToList(),
            signs != AutomationSigns.None,
            FormattingWithheld: prepared?.Withheld ?? false,
            AttachmentsLeftOut: leftOut,
            Signs: signs);
        return new EmailContent(mime, message, attachments);
    }

    /// <summary>The first plain and the first HTML text that are the body, not attached files.</summary>
    private static (TextPart? Plain, TextPart? Html) BodyParts(MimeMessage mime)
    {
        TextPart? plain = null, html = null;
        foreach (var part in mime.BodyParts.OfType<TextPart>())
        {
            if (part.IsAttachment) continue;
            if (part.IsHtml) html ??= part;
            else if (part.IsPlain) plain ??= part;
        }
        return (plain, html);
    }

    private static string TextOf(TextPart part)
    {
        var charset = part.ContentType.Charset;
        if (!string.IsNullOrWhiteSpace(charset) && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return part.GetText(charset);
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException)
            {
                // An unknown or misspelt charset: guess, as for none.
            }
        }
        if (part.Content is null) return "";
        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded);
        return MailCharsets.Decode(decoded.GetBuffer().AsSpan(0, (int)decoded.Length));
    }

    /// <summary>A part with nothing in it: no content, or content that decodes to no bytes (a mail of 20,000 such parts was sent to try us).</summary>
    private static bool IsEmpty(MimeEntity part)
    {
        switch (part)
        {
            case MessagePart { Message: null }:
                return true;
            case MimePart mime:
                if (mime.Content?.Stream is not { } stream) return true;
                if (stream.Length == 0) return true;
                // Only a few encoded bytes can decode to nothing (line breaks, padding); larger parts aren't decoded here.
                if (stream.Length > 16) return false;
                using (var decoded = new MemoryStream())
                {
                    mime.Content.DecodeTo(decoded);
                    return decoded.Length == 0;
                }
            default:
                return false;
        }
    }

    private static EmailAttachment AttachmentOf(MimeEntity part, int number, HashSet<string> referencedIds)
    {
        var contentType = part.ContentType.MimeType.ToLowerInvariant();
        // A content id names the part in the HTML's cid: sources; only plain ones are taken (one ending in a quote was used to write attributes).
        var contentId = string.IsNullOrWhiteSpace(part.ContentId) || !SafeHtml.IsSafeContentId(part.ContentId.Trim()) ? null : part.ContentId.Trim();
        var fileName = (part as MimePart)?.FileName;
        // Until InboundAttachment carries a content id, a part the HTML shows through cid: is named
        // "cid:<id>", which is what the sanitised HTML's src says (see the report on issue 6).
        if (contentId is not null && referencedIds.Contains(contentId))
            fileName = "cid:" + contentId;
        if (string.IsNullOrWhiteSpace(fileName))
        {
            fileName = part is MessagePart mp && !string.IsNullOrWhiteSpace(mp.Message?.Subject)
                ? mp.Message.Subject + ".eml"
                : $"part-{number}" + (MimeTypes.TryGetExtension(contentType, out var extension) ? extension : ".bin");
        }
        var isInline = part.ContentDisposition?.Disposition == ContentDisposition.Inline || (contentId is not null && !part.IsAttachment);
        return new EmailAttachment(part, fileName.Trim(), contentType, contentId, isInline);
    }

    private static HashSet<string> ReferencedContentIds(string html)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var at = 0;
        while ((at = html.IndexOf("cid:", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            at += 4;
            var end = html.IndexOfAny(['"', '\'', ' ', '>', ')'], at);
            if (end < 0) break;
            ids.Add(Uri.UnescapeDataString(html[at..end]));
        }
        return ids;
    }

    /// <summary>The Date header; a mail without one is dated by the newest Received header; else the epoch, shown as "no date".</summary>
    private static Instant SentAt(MimeMessage mime)
    {
        if (mime.Headers.Contains(HeaderId.Date) && mime.Date != DateTimeOffset.MinValue)
            return Instant.FromDateTimeOffset(mime.Date);
        foreach (var received in mime.Headers.Where(h => h.Id == HeaderId.Received))
        {
            var semicolon = received.Value.LastIndexOf(';');
            if (semicolon >= 0 && DateUtils.TryParse(received.Value[(semicolon + 1)..].Trim(), out var date))
                return Instant.FromDateTimeOffset(date);
        }
        return Instant.FromUnixTimeSeconds(0);
    }
}

/// <summary>What one mail may make the server keep.</summary>
public sealed class MailLimits
{
    /// <summary>
    /// Attachments extracted from one mail; the rest are counted on the message (the raw mail is
    /// kept). A mail of 20,000 parts made a 4.5 MB timeline page.
    /// </summary>
    public int MaxAttachmentsPerMessage { get; init; } = 100;
}
