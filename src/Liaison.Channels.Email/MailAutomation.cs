using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// Tells mail a machine sent (auto-replies, bounces, newsletters, notifications): it is kept on the
/// timeline but never counts as needing an answer, so it never starts a promise.
/// </summary>
public static class MailAutomation
{
    private static readonly string[] RobotLocalParts =
        ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster", "bounce", "bounces", "notifications", "notification"];

    public static bool IsAutomated(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers;
        // RFC 3834: anything but "no" is a machine's.
        if (headers[HeaderId.AutoSubmitted] is { } autoSubmitted && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return true;
        if (headers[HeaderId.Precedence]?.Trim().ToLowerInvariant() is "bulk" or "list" or "junk" or "auto_reply")
            return true;
        if (headers.Contains(HeaderId.ListId) || headers.Contains(HeaderId.ListUnsubscribe) || headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond"))
            return true;
        if (message.Body is Multipart { ContentType.MediaSubtype: var subtype } && subtype.Equals("report", StringComparison.OrdinalIgnoreCase))
            return true;
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var local = from.Split('@')[0].ToLowerInvariant();
        return RobotLocalParts.Contains(local);
    }
}
