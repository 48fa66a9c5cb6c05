using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// Tells mail a machine sent (auto-replies, bounces, newsletters, notifications): it is kept on the
/// timeline but never counts as needing an answer, so it never starts a promise and is never
/// acknowledged. What it saw leaves this project as channel-neutral <see cref="AutomationSigns"/>.
/// Marks our own automatic mail the same way (RFC 3834), so other systems do not answer it.
/// </summary>
public static class MailAutomation
{
    private static readonly string[] RobotLocalParts =
        ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster", "bounce", "bounces", "notifications", "notification"];

    public static bool IsAutomated(MimeMessage message) => SignsOf(message) != AutomationSigns.None;

    /// <summary>What in the headers says a machine sent it.</summary>
    public static AutomationSigns SignsOf(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers;
        var signs = AutomationSigns.None;
        // RFC 3834: anything but "no" is a machine's.
        if (headers[HeaderId.AutoSubmitted] is { } autoSubmitted && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            signs |= AutomationSigns.AutoReply;
        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond"))
            signs |= AutomationSigns.AutoReply;
        switch (headers[HeaderId.Precedence]?.Trim().ToLowerInvariant())
        {
            case "list": signs |= AutomationSigns.MailingList; break;
            case "bulk" or "junk": signs |= AutomationSigns.Bulk; break;
            case "auto_reply": signs |= AutomationSigns.AutoReply; break;
        }
        if (headers.Contains(HeaderId.ListId) || headers.Contains(HeaderId.ListUnsubscribe) || headers.Contains(HeaderId.ListPost))
            signs |= AutomationSigns.MailingList;
        if (message.Body is Multipart { ContentType.MediaSubtype: var subtype } && subtype.Equals("report", StringComparison.OrdinalIgnoreCase))
            signs |= AutomationSigns.Bounce;
        // "Return-Path: <>" is what a bounce or an auto-reply carries: RFC 3834 says never answer it.
        if (headers[HeaderId.ReturnPath] is { } returnPath && returnPath.Trim() is "<>" or "")
            signs |= AutomationSigns.EmptyReturnPath;
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var local = from.Split('@')[0].ToLowerInvariant();
        if (RobotLocalParts.Contains(local)) signs |= AutomationSigns.NoReplySender;
        return signs;
    }

    /// <summary>
    /// Marks mail Liaison writes by itself (an acknowledgement, a report, a reminder) per RFC 3834:
    /// an acknowledgement is an automatic answer (<c>Auto-Submitted: auto-replied</c>), the others
    /// generated (<c>auto-generated</c>); <c>X-Auto-Response-Suppress: All</c> asks Exchange and
    /// Outlook not to answer with their own auto-replies. A person's mail is left as it is.
    /// Another Liaison reading such mail sees an auto-reply and never acknowledges it: no loop.
    /// </summary>
    public static void MarkAutomatic(MimeMessage message, MessagePurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (purpose == MessagePurpose.Person) return;
        message.Headers[HeaderId.AutoSubmitted] = purpose == MessagePurpose.Acknowledgement ? "auto-replied" : "auto-generated";
        message.Headers["X-Auto-Response-Suppress"] = "All";
    }
}
