namespace Liaison.Core.Inbound;

/// <summary>
/// What a channel saw that says a machine, not a person, sent a message: read by the channel project
/// from its own headers or fields (an e-mail's Auto-Submitted, List-Id, empty Return-Path) and
/// handed on in these channel-neutral words. Any sign makes the message automated: it never needs
/// an answer and is never acknowledged.
/// </summary>
[Flags]
public enum AutomationSigns
{
    None = 0,
    /// <summary>An auto-reply: out of office, vacation, or another system's acknowledgement.</summary>
    AutoReply = 1,
    /// <summary>Sent to a mailing list or as a newsletter.</summary>
    MailingList = 2,
    /// <summary>A delivery report: a bounce, a read receipt.</summary>
    Bounce = 4,
    /// <summary>Bulk or junk mail by its own declaration.</summary>
    Bulk = 8,
    /// <summary>From an address that takes no answers (noreply@, mailer-daemon@, notifications@).</summary>
    NoReplySender = 16,
    /// <summary>It has no return path: RFC 3834 says never answer such a message automatically.</summary>
    EmptyReturnPath = 32,
}
