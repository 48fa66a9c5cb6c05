using System.Security.Cryptography;
using System.Text;
using Liaison.Core.Conversations;
using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// Which ids a mail carries for the pipeline: its own (deduplication) and its thread's (one topic
/// = one conversation, seed 001).
/// </summary>
public static class MailThreading
{
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
    /// a key from the subject (<see cref="Topic.ThreadKeyFor"/>): the pipeline then looks for the
    /// client's conversation about that topic.
    /// </summary>
    public static string ThreadKey(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.References.Count > 0) return message.References[0];
        if (!string.IsNullOrWhiteSpace(message.InReplyTo)) return message.InReplyTo.Trim();
        var subject = message.Subject ?? "";
        var ownId = message.MessageId;
        if (!string.IsNullOrWhiteSpace(ownId) && !Topic.IsReply(subject)) return ownId.Trim();
        return Topic.ThreadKeyFor(subject);
    }
}
