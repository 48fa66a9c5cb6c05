using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Core.Outbound;

/// <summary>
/// What a channel project gives the outbox: how to send one message on its kind of channel. The
/// outbox never names a channel. Sending is two steps so that a message is never sent twice:
/// <see cref="Prepare"/> fixes the provider's id (an e-mail's Message-ID) before anything leaves,
/// the server stores it with the message, and only then calls <see cref="SendAsync"/>.
/// </summary>
/// <remarks>One sender per <see cref="ChannelKind"/>, registered by its project with one line.</remarks>
public interface IChannelSender
{
    ChannelKind Kind { get; }

    /// <summary>
    /// Checks the draft against the channel's rules (an e-mail needs a subject: a
    /// <see cref="DomainRuleException"/> naming the field) and returns it with
    /// <see cref="OutboundDraft.ProviderMessageId"/> chosen. Pure apart from making up the id: no I/O.
    /// </summary>
    OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings);

    /// <summary>
    /// Sends a prepared draft under its <see cref="OutboundDraft.ProviderMessageId"/>. Throws
    /// <see cref="SendRejectedException"/> when the provider refuses it for good (the outbox fails it
    /// at once and leaves it for the owner's Retry); any other exception when the provider cannot be
    /// reached or refuses it for now (the outbox retries with backoff). Returns once the provider has
    /// taken it, even if only for some of its recipients: it must not be sent again.
    /// </summary>
    Task<SentReceipt> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct);

    /// <summary>
    /// Whether the provider already has the message (a mail in the Sent folder): asked after a
    /// crash in the middle of a send, before sending again. True or false when it could tell; throws
    /// when the provider cannot be asked now. A channel that cannot tell answers null, and such a
    /// message is left for the owner to retry instead of being resent blindly.
    /// </summary>
    Task<bool?> WasSentAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct) => Task.FromResult<bool?>(null);
}

/// <summary>A message to send on one channel.</summary>
/// <param name="To">the client side's address on the channel (an e-mail address).</param>
/// <param name="Subject">required by channels that have subjects (e-mail); ignored by the others.</param>
/// <param name="InReplyTo">the provider id of the message answered, null for a new message.</param>
/// <param name="References">the provider ids of the thread, oldest first, ending with <paramref name="InReplyTo"/>.</param>
/// <param name="ProviderMessageId">set by <see cref="IChannelSender.Prepare"/>; the id the message goes out with.</param>
public sealed record OutboundDraft(
    string To,
    string? Subject,
    string Text,
    string? InReplyTo = null,
    IReadOnlyList<string>? References = null,
    string? ProviderMessageId = null);

/// <summary>The outcome of a send the provider accepted.</summary>
/// <param name="Warning">something that went wrong though the message left (the copy to Sent failed, some recipients were refused); shown, never a reason to resend.</param>
public sealed record SentReceipt(string ProviderMessageId, string? Warning = null);

/// <summary>
/// The provider refused the message for good (for e-mail an SMTP 5xx reply: an unknown recipient, a
/// message too large): sent again unchanged it would be refused again, so it is not retried
/// automatically. The message is the provider's own words, as the owner reads them next to Retry.
/// A failure that may pass (a 4xx reply, a server that cannot be reached) is any other exception.
/// </summary>
public sealed class SendRejectedException(string message, Exception? innerException = null) : Exception(message, innerException);
