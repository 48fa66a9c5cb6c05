using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Runs every connected channel that pulls (a mailbox) for as long as it is connected: started at
/// start-up, when a channel is connected, stopped when it is disconnected. With several instances on
/// one PostgreSQL, a session advisory lock per channel makes exactly one instance pull it.
/// </summary>
public sealed class PullingChannels(
    IEnumerable<IPullingChannel> kinds, IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, ILogger<PullingChannels> log) : BackgroundService
{
    private readonly Dictionary<Core.Channels.ChannelKind, IPullingChannel> byKind = kinds.ToDictionary(k => k.Kind);
    private readonly Dictionary<long, (CancellationTokenSource Stop, Task Running)> running = [];
    private readonly SemaphoreSlim refresh = new(0, 1);

    /// <summary>Whether channels of this kind fetch (and so have a status) rather than being posted to.</summary>
    public bool Fetches(Core.Channels.ChannelKind kind) => byKind.ContainsKey(kind);

    public PullStatus? StatusOf(long channelId, Core.Channels.ChannelKind kind) =>
        byKind.TryGetValue(kind, out var pulling) ? pulling.StatusOf(channelId) : null;

    /// <summary>Looks at the channel list again now (after a channel was connected or disconnected).</summary>
    public void Refresh()
    {
        if (refresh.CurrentCount == 0)
        {
            try { refresh.Release(); } catch (SemaphoreFullException) { }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (byKind.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await ReconcileAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Could not look at the pulling channels"); }
            try { await refresh.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        foreach (var (stop, _) in running.Values) await stop.CancelAsync();
        await Task.WhenAll(running.Values.Select(r => r.Running));
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var kinds = byKind.Keys.ToList();
        var wanted = await db.Channels.AsNoTracking().Where(c => c.DisconnectedAt == null && kinds.Contains(c.Kind))
            .Select(c => new { c.Id, c.Kind }).ToListAsync(ct);
        foreach (var gone in running.Keys.Except(wanted.Select(w => w.Id)).ToList())
        {
            await running[gone].Stop.CancelAsync();
            running.Remove(gone);
        }
        foreach (var channel in wanted.Where(w => !running.ContainsKey(w.Id) || running[w.Id].Running.IsCompleted))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            running[channel.Id] = (stop, Task.Run(() => PullAsync(channel.Id, byKind[channel.Kind], db.Provider, stop.Token), CancellationToken.None));
        }
    }

    private async Task PullAsync(long channelId, IPullingChannel pulling, DatabaseProvider provider, CancellationToken ct)
    {
        try
        {
            directory.Forget(channelId);
            var entry = await directory.FindAsync(channelId, ct);
            if (provider == DatabaseProvider.Postgres)
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                await connection.OpenAsync(ct);
                // Held for as long as this instance pulls; released when the connection closes (or the instance dies).
                await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(7400, @id::int)", connection);
                tryLock.Parameters.AddWithValue("id", (int)channelId);
                if (await tryLock.ExecuteScalarAsync(ct) is not true) return;
                try
                {
                    await pulling.RunAsync(channelId, entry.Settings, ct);
                }
                finally
                {
                    // Closing returns the connection to Npgsql's pool with its session still open, so the lock
                    // would outlive the pull: a later pull of this channel (reconnect, a restarted host in the
                    // same process) on another pooled connection would then never get it.
                    await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7400, @id::int)", connection);
                    unlock.Parameters.AddWithValue("id", (int)channelId);
                    await unlock.ExecuteScalarAsync(CancellationToken.None);
                }
            }
            else
            {
                await pulling.RunAsync(channelId, entry.Settings, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { log.LogError(e, "Channel {ChannelId} stopped pulling", channelId); }
    }

    public override void Dispose()
    {
        foreach (var (stop, _) in running.Values) stop.Dispose();
        refresh.Dispose();
        base.Dispose();
    }
}
