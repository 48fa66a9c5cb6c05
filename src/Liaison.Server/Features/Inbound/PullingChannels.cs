using Liaison.Core.Background;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Runs every connected channel that pulls (a mailbox) for as long as it is connected: started at
/// start-up, when a channel is connected, stopped when it is disconnected, and started again with the
/// stored settings when they change (an edit here stops it first; another instance's edit is noticed
/// on the next look, within 30 s). With several instances on one PostgreSQL, a session advisory lock
/// per channel makes exactly one instance pull it. Which channels pull is their descriptor's word
/// for their settings (<see cref="ChannelDescriptor.ReceivesBy"/>: a bot may be set to a webhook or
/// to long polling), not their kind.
/// </summary>
public sealed class PullingChannels(
    IEnumerable<IPullingChannel> kinds, IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, ChannelDescriptors descriptors, ChannelSettingsProtector protector,
    TimeProvider time, ILogger<PullingChannels> log) : BackgroundService
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(15);
    // How often the channel list is looked at unasked: another instance's connect, disconnect or edit is seen within this.
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(30);

    /// <param name="Settings">the stored (encrypted) settings it started with: a different stored value means they were edited.</param>
    private sealed record Pull(CancellationTokenSource Stop, Task Running, string Settings);

    private readonly Dictionary<Core.Channels.ChannelKind, IPullingChannel> byKind = kinds.ToDictionary(k => k.Kind);
    private readonly Dictionary<long, Pull> running = [];
    // One change to `running` at a time: a look at the channel list, or an edit stopping a pull.
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly WakeSignal refresh = new(time);
    private TaskCompletionSource nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether channels of this kind fetch (and so have a status) rather than being posted to.</summary>
    public bool Fetches(Core.Channels.ChannelKind kind) => byKind.ContainsKey(kind);

    public PullStatus? StatusOf(long channelId, Core.Channels.ChannelKind kind) =>
        byKind.TryGetValue(kind, out var pulling) ? pulling.StatusOf(channelId) : null;

    /// <summary>Looks at the channel list again now (after a channel was connected or disconnected).</summary>
    public void Refresh() => refresh.Wake();

    /// <summary>
    /// Stops the channel's pull, runs <paramref name="change"/> (a settings edit) while nothing of the
    /// old pull can still write (a checkpoint of the mailbox it was reading), then starts it again
    /// from what is stored and returns once it has been started.
    /// </summary>
    public async Task ChangeStoppedAsync(long channelId, Func<Task> change, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        Task pass;
        try
        {
            await StopPullAsync(channelId);
            await change();
            // Read while holding the gate: no look is under way, so the next one reads what was just stored.
            pass = Volatile.Read(ref nextPass).Task;
        }
        finally
        {
            gate.Release();
            // Also when the change failed: what was stopped starts again now rather than on the next look.
            Refresh();
        }
        if (byKind.Count == 0) return;
        try { await pass.WaitAsync(TimeSpan.FromSeconds(10), time, ct); }
        catch (TimeoutException) { } // it starts on the next look anyway; the caller only waited to show its new status
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { } // the host is stopping
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (byKind.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Whoever asked before this exchange is answered by this pass, which reads what they stored.
            var pass = Interlocked.Exchange(ref nextPass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try { await ReconcileAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Could not look at the pulling channels"); }
            finally { pass.TrySetResult(); }
            try { await refresh.WaitAsync(LookEvery, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        Volatile.Read(ref nextPass).TrySetCanceled(stoppingToken);
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var pull in running.Values) await pull.Stop.CancelAsync();
            await Task.WhenAll(running.Values.Select(r => r.Running));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var kinds = byKind.Keys.ToList();
            var wanted = await db.Channels.AsNoTracking().Where(c => c.DisconnectedAt == null && kinds.Contains(c.Kind))
                .Select(c => new { c.Id, c.Kind }).ToListAsync(ct);
            var candidates = wanted.Select(w => w.Id).ToList();
            var stored = await db.ChannelSettings.AsNoTracking().Where(s => candidates.Contains(s.ChannelId))
                .ToDictionaryAsync(s => s.ChannelId, s => s.Protected, ct);
            wanted = wanted.Where(c => PullsBy(c.Kind, stored.GetValueOrDefault(c.Id))).ToList();
            var ids = wanted.Select(w => w.Id).ToList();
            foreach (var gone in running.Keys.Except(ids).ToList())
            {
                await running[gone].Stop.CancelAsync();
                running.Remove(gone);
            }
            foreach (var channel in wanted)
            {
                var settings = stored.GetValueOrDefault(channel.Id) ?? "";
                if (running.TryGetValue(channel.Id, out var pull))
                {
                    if (!pull.Running.IsCompleted && pull.Settings == settings) continue;
                    // Edited (maybe by another instance), or ended (lost the lock, failed): start it afresh.
                    await StopPullAsync(channel.Id);
                }
                var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                running[channel.Id] = new Pull(stop,
                    Task.Run(() => PullAsync(channel.Id, byKind[channel.Kind], settings, db.Provider, stop.Token), CancellationToken.None), settings);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether a channel of this kind with these stored settings fetches its deliveries (rather than being posted to).</summary>
    private bool PullsBy(Core.Channels.ChannelKind kind, string? protectedSettings)
    {
        if (!descriptors.Knows(kind)) return true;
        var descriptor = descriptors.For(kind);
        // Only kinds that can be either read their settings; decrypting every mailbox's on each look is not needed.
        if (descriptor.Receives == Receiving.Pulling) return true;
        try
        {
            var settings = string.IsNullOrEmpty(protectedSettings) ? ChannelSettings.Empty : protector.Unprotect(protectedSettings);
            return descriptor.ReceivesBy(settings).HasFlag(Receiving.Pulling);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not read the settings of a {Kind} channel; it is not pulled", kind);
            return false;
        }
    }

    /// <summary>Cancels a channel's pull and waits until it has let go (its last checkpoint written, its lock released).</summary>
    private async Task StopPullAsync(long channelId)
    {
        if (!running.Remove(channelId, out var pull)) return;
        await pull.Stop.CancelAsync();
        try
        {
            await pull.Running.WaitAsync(StopWait, time);
            pull.Stop.Dispose();
        }
        catch (TimeoutException)
        {
            log.LogWarning("Channel {ChannelId} did not stop pulling within {Wait}; going on without it", channelId, StopWait);
        }
    }

    private async Task PullAsync(long channelId, IPullingChannel pulling, string protectedSettings, DatabaseProvider provider, CancellationToken ct)
    {
        try
        {
            // Webhook, outbox and processing read settings through the directory: none of them may keep the old ones.
            directory.Forget(channelId);
            var settings = protectedSettings.Length == 0 ? ChannelSettings.Empty : protector.Unprotect(protectedSettings);
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
                    await pulling.RunAsync(channelId, settings, ct);
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
                await pulling.RunAsync(channelId, settings, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { log.LogError(e, "Channel {ChannelId} stopped pulling", channelId); }
    }

    public override void Dispose()
    {
        foreach (var pull in running.Values) pull.Stop.Dispose();
        gate.Dispose();
        refresh.Dispose();
        base.Dispose();
    }
}
