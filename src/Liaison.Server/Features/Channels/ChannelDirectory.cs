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
/// this instance's changes invalidate at once). Unknown ids are remembered too, so a flood of them
/// cannot turn into a flood of queries.
/// </summary>
public sealed class ChannelDirectory(IEnumerable<IChannelAdapter> adapters, IDbContextFactory<LiaisonDb> dbs, ChannelSettingsProtector protector, IClock clock)
{
    private static readonly Duration FreshFor = Duration.FromSeconds(30);
    private readonly Dictionary<ChannelKind, IChannelAdapter> byKind = adapters.ToDictionary(a => a.Kind);
    private readonly ConcurrentDictionary<long, Entry> cache = new();

    public sealed record Entry(long ChannelId, IChannelAdapter? Adapter, ChannelSettings Settings, bool Connected, Instant LoadedAt)
    {
        public bool Exists => Adapter is not null && Connected;
    }

    public IReadOnlyCollection<ChannelKind> Kinds => byKind.Keys;

    public IChannelAdapter? AdapterFor(ChannelKind kind) => byKind.GetValueOrDefault(kind);

    public async ValueTask<Entry> FindAsync(long channelId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (cache.TryGetValue(channelId, out var cached) && now - cached.LoadedAt < FreshFor) return cached;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, ct);
        var settings = channel is null ? null : await db.ChannelSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChannelId == channelId, ct);
        var entry = new Entry(
            channelId,
            channel is null ? null : AdapterFor(channel.Kind),
            settings is null ? ChannelSettings.Empty : protector.Unprotect(settings.Protected),
            channel is { DisconnectedAt: null },
            now);
        cache[channelId] = entry;
        return entry;
    }

    public void Forget(long channelId) => cache.TryRemove(channelId, out _);
}
