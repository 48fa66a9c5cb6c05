using Liaison.Core.Channels;

namespace Liaison.Core.Inbound;

/// <summary>
/// A channel that fetches rather than being posted to (IMAP). The host runs <see cref="RunAsync"/>
/// for each connected channel of <see cref="Kind"/>, for as long as it stays connected, and the
/// channel hands what it fetches to the <see cref="IInboundSink"/>.
/// </summary>
public interface IPullingChannel
{
    ChannelKind Kind { get; }

    /// <summary>Fetches until cancelled, reconnecting with backoff on its own; returns only when cancelled.</summary>
    Task RunAsync(long channelId, ChannelSettings settings, CancellationToken ct);

    /// <summary>What the channel page shows now, or null when the channel isn't running here.</summary>
    PullStatus? StatusOf(long channelId);
}

/// <summary>A pulling channel's state in words a person reads: syncing n of N, idle, or failing with the server's own text.</summary>
/// <param name="State">connecting, syncing, idle, failing or stopped.</param>
public sealed record PullStatus(string State, int Done, int Total, string? Error, TimeSpan? RetryIn);
