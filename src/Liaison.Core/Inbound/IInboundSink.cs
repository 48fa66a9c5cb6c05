namespace Liaison.Core.Inbound;

/// <summary>
/// How a channel that pulls (IMAP) hands what it fetched to the inbound pipeline: the same durable,
/// deduplicated path webhooks take. When the returned task completes, the delivery is committed:
/// the channel may move its checkpoint past it. Accepting a key already stored is a no-op.
/// </summary>
public interface IInboundSink
{
    /// <param name="payload">the raw delivery (a whole RFC 822 message); read to the end, not kept open. Large payloads are streamed to disk, never held whole.</param>
    Task AcceptAsync(long channelId, DeliveryKey key, Stream payload, CancellationToken ct);
}
