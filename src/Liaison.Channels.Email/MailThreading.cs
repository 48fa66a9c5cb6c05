using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// Which ids a mail carries for the pipeline: its own (deduplication) and its thread's (one topic
/// = one conversation, seed 001).
/// </summary>
public static partial class MailThreading
{
    /// <summary>Prefix of a <see cref="ThreadKey"/> that came from the subject, not from headers.</summary>
    public const string SubjectKeyPrefix = "subject:";

    /// <summary>
    /// The Message-ID without angle brackets; when a mail has none, a hash of Date, From, Subject and
    /// body, so the copy fetched from INBOX, from Sent, or again after a UIDVALIDITY change is the
    /// same message to the pipeline.
    /// </summary>
    public static string ProviderMessageId(MimeMessage message, string bodyText)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!string.IsNullOrWhiteSpace(message.MessageId)) return message.MessageId.Trim();
        var identity = string.Join('\n',
            message.Headers[HeaderId.Date] ?? "",
            message.From.ToString(),
            message.Subject ?? "",
            bodyText);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    /// <summary>
    /// The thread's root Message-ID: the first of References, else In-Reply-To, else the mail's own
    /// Message-ID (it starts a thread). Only a mail that calls itself a reply ("Re:", "Odp:", "Fwd:")
    /// without carrying either header, or a mail with no ids at all, falls back to
    /// <see cref="SubjectKeyPrefix"/> + <see cref="NormaliseSubject"/>: the pipeline then looks for
    /// the client's conversation with that subject.
    /// </summary>
    public static string ThreadKey(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.References.Count > 0) return message.References[0];
        if (!string.IsNullOrWhiteSpace(message.InReplyTo)) return message.InReplyTo.Trim();
        var subject = message.Subject ?? "";
        var ownId = message.MessageId;
        if (!string.IsNullOrWhiteSpace(ownId) && !ReplyPrefix().IsMatch(subject)) return ownId.Trim();
        return SubjectKeyPrefix + NormaliseSubject(subject);
    }

    /// <summary>
    /// A subject without reply/forward prefixes in the languages our users write in, list tags
    /// ("[project]"), case and repeated spaces: "RE: Fwd: [acme]  Offer" and "offer" are one topic.
    /// </summary>
    public static string NormaliseSubject(string? subject)
    {
        var s = (subject ?? "").Trim();
        while (true)
        {
            var stripped = ListTag().Replace(ReplyPrefix().Replace(s, "", 1), "", 1).Trim();
            if (stripped == s) break;
            s = stripped;
        }
        return Spaces().Replace(s, " ").ToLowerInvariant();
    }

    // re, fw, fwd; aw/wg (de); odp/pd/tr (pl); sv (nordic); отв/ответ/пересл (ru); отг (bg); optional [n] counters.
    [GeneratedRegex(@"^\s*(re|fwd|fw|aw|wg|odp|pd|sv|tr|ответ|отв|отг|пересл)\s*(\[\d+\]|\(\d+\))?\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();

    [GeneratedRegex(@"^\s*\[[^\]]{1,40}\]\s*")]
    private static partial Regex ListTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
