using System.Collections.Concurrent;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Channels.Email;

/// <summary>The host's handle on mailbox syncs: one <see cref="ImapSync"/> per connected mailbox, and its status.</summary>
public sealed class EmailPulling(ImapSyncFactory syncs) : IPullingChannel
{
    private readonly ConcurrentDictionary<long, ImapSync> running = new();

    public ChannelKind Kind => ChannelKind.Email;

    public async Task RunAsync(long channelId, ChannelSettings settings, CancellationToken ct)
    {
        var sync = syncs.Create(channelId, settings);
        running[channelId] = sync;
        try
        {
            await sync.RunAsync(ct);
        }
        finally
        {
            running.TryRemove(KeyValuePair.Create(channelId, sync));
        }
    }

    public PullStatus? StatusOf(long channelId)
    {
        if (!running.TryGetValue(channelId, out var sync)) return null;
        var now = sync.Status.Current;
        return new PullStatus(now.State.ToString().ToLowerInvariant(), now.Done, now.Total, now.Error, now.RetryIn);
    }
}
