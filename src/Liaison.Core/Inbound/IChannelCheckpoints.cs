namespace Liaison.Core.Inbound;

/// <summary>
/// How far a pulling channel has fetched, durably, so a restart or crash resumes where it stopped:
/// values under keys of the channel's own choosing (a mailbox keeps one per folder, a bot its last
/// update id). The server keeps them in its database, per channel; they go when the channel goes.
/// </summary>
public interface IChannelCheckpoints
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    Task<string?> GetAsync(long channelId, string key, CancellationToken ct);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there. Call it only after what it covers is committed.</summary>
    Task SetAsync(long channelId, string key, string value, CancellationToken ct);

    /// <summary>Forgets every checkpoint of the channel: its settings now name another account, read from its start.</summary>
    Task ForgetAsync(long channelId, CancellationToken ct);
}

/// <summary>Checkpoints kept in memory only: for tests and tools that run a pulling channel without a database.</summary>
public sealed class InMemoryChannelCheckpoints : IChannelCheckpoints
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, string), string> values = new();

    public Task<string?> GetAsync(long channelId, string key, CancellationToken ct) =>
        Task.FromResult(values.TryGetValue((channelId, key), out var value) ? value : null);

    public Task SetAsync(long channelId, string key, string value, CancellationToken ct)
    {
        values[(channelId, key)] = value;
        return Task.CompletedTask;
    }

    public Task ForgetAsync(long channelId, CancellationToken ct)
    {
        foreach (var key in values.Keys.Where(k => k.Item1 == channelId)) values.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
