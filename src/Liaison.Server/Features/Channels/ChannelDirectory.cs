using System.Collections.Concurrent;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// Finds a channel's adapter and decrypted settings for every webhook request without a database
/// round trip: entries are kept for a short while (another instance's change shows within that time;
/// this instance's changes invalidate at once). Unknown ids are answered from the set of existing
/// channel ids, loaded at most once per freshness period: a flood of random <c>/hooks/{id}</c> calls
/// neither turns into a flood of queries nor grows memory, which stays bounded by the channels that exist.
/// </summary>
public sealed class ChannelDirectory(IEnumerable<IChannelAdapter> adapters, ChannelDescriptors descriptors, IDbContextFactory<LiaisonDb> dbs, ChannelSettingsProtector protector, IClock clock)
{
    private static readonly Duration FreshFor = Duration.FromSeconds(30);
    private readonly Dictionary<ChannelKind, IChannelAdapter> byKind = adapters.ToDictionary(a => a.Kind);
    private readonly ConcurrentDictionary<long, Entry> cache = new();
    private volatile ExistingIds? existing;

    private sealed record ExistingIds(HashSet<long> Ids, Instant LoadedAt);

    /// <param name="Descriptor">what the channel's kind is (how its addresses are written); null for an unknown channel.</param>
    public sealed record Entry(long ChannelId, IChannelAdapter? Adapter, ChannelSettings Settings, bool Connected, Instant LoadedAt, ChannelDescriptor? Descriptor = null)
    {
        public bool Exists => Adapter is not null && Connected;
    }

    public IReadOnlyCollection<ChannelKind> Kinds => byKind.Keys;

    /// <summary>What each kind is: its settings, addresses, threads.</summary>
    public ChannelDescriptors Descriptors => descriptors;

    public IChannelAdapter? AdapterFor(ChannelKind kind) => byKind.GetValueOrDefault(kind);

    public async ValueTask<Entry> FindAsync(long channelId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (cache.TryGetValue(channelId, out var cached) && now - cached.LoadedAt < FreshFor) return cached;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var ids = existing;
        if (ids is null || now - ids.LoadedAt >= FreshFor)
            existing = ids = new ExistingIds((await db.Channels.AsNoTracking().Select(c => c.Id).ToListAsync(ct)).ToHashSet(), now);
        if (!ids.Ids.Contains(channelId))
        {
            cache.TryRemove(channelId, out _);
            return new Entry(channelId, null, ChannelSettings.Empty, false, now);
        }
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, ct);
        var settings = channel is null ? null : await db.ChannelSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChannelId == channelId, ct);
        var entry = new Entry(
            channelId,
            channel is null ? null : AdapterFor(channel.Kind),
            settings is null ? ChannelSettings.Empty : protector.Unprotect(settings.Protected),
            channel is { DisconnectedAt: null },
            now,
            channel is null ? null : descriptors.For(channel.Kind));
        cache[channelId] = entry;
        return entry;
    }

    /// <summary>This instance changed, connected or disconnected <paramref name="channelId"/>: the next request reads it afresh.</summary>
    public void Forget(long channelId)
    {
        cache.TryRemove(channelId, out _);
        existing = null;
    }

    /// <summary>How many channels are held in memory: bounded by the channels that exist, whatever ids are asked for.</summary>
    internal int CachedCount => cache.Count;
}
