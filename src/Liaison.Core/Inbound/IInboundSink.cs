namespace Liaison.Core.Inbound;

/// <summary>
/// How a channel that pulls (IMAP) hands what it fetched to the inbound pipeline: the same durable,
/// deduplicated path webhooks take. Accepting a key already stored is a no-op.
/// </summary>
public interface IInboundSink
{
    /// <summary>
    /// Reads <paramref name="payload"/> to its end and queues it for storing. Completes as soon as the
    /// payload is read, so the channel can close the stream and fetch the next one while earlier ones
    /// are committed together; <see cref="AcceptedDelivery.Committed"/> tells when it is durable.
    /// </summary>
    /// <param name="payload">the raw delivery (a whole RFC 822 message); read to the end, not kept open. Large payloads are streamed to disk, never held whole.</param>
    /// <param name="backfill">history the channel found when first read (a mailbox's initial sync), not something that just arrived: its messages are recorded as backfill.</param>
    Task<AcceptedDelivery> AcceptAsync(long channelId, DeliveryKey key, Stream payload, bool backfill, CancellationToken ct);
}

/// <summary>
/// A delivery the sink has read. <see cref="Committed"/> completes when it is stored for good (and
/// throws if storing failed): a channel moves its checkpoint past a delivery only after that.
/// </summary>
public readonly record struct AcceptedDelivery(Task Committed)
{
    public static AcceptedDelivery AlreadyCommitted { get; } = new(Task.CompletedTask);
}
