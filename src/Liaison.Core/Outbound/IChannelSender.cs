using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using NodaTime;

namespace Liaison.Core.Outbound;

/// <summary>
/// What a channel project gives the outbox: how to send one message on its kind of channel. The
/// outbox never names a channel. A send ends in one of the <see cref="SendOutcome"/>s every provider
/// can express: sent (with the provider's id), deferred until an instant, or rejected for good.
/// </summary>
/// <remarks>
/// One sender per <see cref="ChannelKind"/>, registered by its project with one line. Never sent
/// twice: the outbox records that a send started before calling <see cref="SendAsync"/>, and after a
/// crash in the middle asks <see cref="WasSentAsync"/> before sending again.
/// </remarks>
public interface IChannelSender
{
    ChannelKind Kind { get; }

    /// <summary>
    /// Checks the draft against the channel's rules when it is queued (an e-mail needs a subject: a
    /// <see cref="DomainRuleException"/> naming the field), and lets a channel that names its messages
    /// itself choose the id now (SMTP's Message-ID), so it is stored before anything leaves and a
    /// crash mid-send can be checked by it. Providers that assign their ids on acceptance (Telegram,
    /// WhatsApp) leave <see cref="OutboundDraft.ProviderMessageId"/> null: the id of
    /// <see cref="SendOutcome.Sent"/> is written onto the message instead. Pure apart from making up
    /// the id: no I/O. The default accepts the draft as it is.
    /// </summary>
    OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings) => draft;

    /// <summary>
    /// Sends the draft (under its <see cref="OutboundDraft.ProviderMessageId"/> when one was chosen).
    /// Returns <see cref="SendOutcome.Sent"/> once the provider has taken it, even if only for some
    /// recipients (it must not be sent again); <see cref="SendOutcome.Deferred"/> when the provider
    /// asked to wait (a 429 with Retry-After); <see cref="SendOutcome.Rejected"/> when it refused it
    /// for good. Throws when the provider cannot be reached or refuses it for now: the outbox retries
    /// with <see cref="Background.Backoff.Queue"/>; a <see cref="DomainRuleException"/> counts as rejected.
    /// </summary>
    Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct);

    /// <summary>
    /// Whether the provider already has the message (a mail in the Sent folder): asked after a
    /// crash in the middle of a send, before sending again. True or false when it could tell; throws
    /// when the provider cannot be asked now. A channel that cannot tell answers null, and such a
    /// message is left for the owner to retry instead of being resent blindly.
    /// </summary>
    Task<bool?> WasSentAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct) => Task.FromResult<bool?>(null);
}

/// <summary>A message to send on one channel: where to, what, and (once chosen or assigned) its provider id.</summary>
/// <param name="To">the client side's address on the channel (an e-mail address, a wa_id).</param>
/// <param name="ProviderMessageId">chosen by <see cref="IChannelSender.Prepare"/> for channels that name their messages themselves; else null until sent.</param>
public sealed record OutboundDraft(string To, OutboundContent Content, string? ProviderMessageId = null)
{
    /// <summary>The counterpart's reply window when the outbox hands the draft over (checked to allow it); a channel whose window needs a tag reads it here.</summary>
    public ReplyWindow Window { get; init; } = new ReplyWindow.Always();
}

/// <summary>How a send ended, in terms every provider can express.</summary>
public abstract record SendOutcome
{
    private SendOutcome() { }

    /// <summary>The provider took it.</summary>
    /// <param name="ProviderMessageId">the provider's id for it: written onto the message, so an echo or a status of it is matched to ours.</param>
    /// <param name="Warning">something that went wrong though the message left (the copy to Sent failed, some recipients were refused); shown, never a reason to resend.</param>
    public sealed record Sent(string ProviderMessageId, string? Warning = null) : SendOutcome;

    /// <summary>The provider asked to wait (a 429 with Retry-After, a rate limit): tried again at <paramref name="Until"/>; no failed attempt is counted.</summary>
    /// <param name="Reason">the provider's words, shown next to "retrying at".</param>
    public sealed record Deferred(Instant Until, string Reason) : SendOutcome;

    /// <summary>
    /// The provider refused it for good (an SMTP 5xx: an unknown recipient, a message too large):
    /// sent again unchanged it would be refused again, so only the owner's Retry sends it again.
    /// </summary>
    /// <param name="Code">the provider's code for the refusal ("550", "131026"); null when it gave none.</param>
    /// <param name="Words">the provider's own words, as the owner reads them next to Retry.</param>
    public sealed record Rejected(string? Code, string Words) : SendOutcome;
}
