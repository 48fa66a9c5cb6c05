using Liaison.Core.Background;
using NodaTime;

namespace Liaison.Server.Features.Background;

/// <summary>
/// The loop of a background queue (deliveries to process; next the outbox, media to fetch,
/// reminders, check windows): work while there is work, then sleep until woken
/// (<see cref="Wake"/>: something was queued) or until <see cref="PollInterval"/> passes on the
/// <see cref="TimeProvider"/> (a retry fell due, another instance queued something). A failure of the
/// loop itself (the database gone) is logged and retried after <see cref="LoopBackoff"/>. Items
/// are claimed with leases read from the <see cref="LeaseClock"/> (<see cref="LeaseTerms"/>) and
/// retried after <see cref="Backoff.Queue"/>.
/// </summary>
/// <remarks>All its waits are on the <see cref="TimeProvider"/>: a test that advances a fake clock past the poll interval or a loop failure's backoff moves the loop on.</remarks>
/// <param name="wake">the queue's own signal (a keyed singleton, so that who queues work can wake it without depending on the worker).</param>
public abstract class QueueWorker(WakeSignal wake, TimeProvider time, ILogger log) : BackgroundService
{
    /// <summary>How long the loop waits after failing: 1 s, doubling while it keeps failing, at most a minute.</summary>
    public static readonly Backoff LoopBackoff = new(Duration.FromSeconds(1), Duration.FromMinutes(1));

    protected TimeProvider Time => time;

    /// <summary>The look for due work when nobody woke the loop.</summary>
    protected virtual TimeSpan PollInterval => TimeSpan.FromSeconds(1);

    /// <summary>Whether this process runs the loop at all (a configuration may turn a queue off).</summary>
    protected virtual bool Runs => true;

    /// <summary>There is work now: look at once instead of at the next poll. Calls while the loop works collapse into one look.</summary>
    public void Wake() => wake.Wake();

    /// <summary>One round of work; returns whether more is waiting now (a full batch), so the loop goes on without sleeping.</summary>
    protected abstract Task<bool> WorkAsync(CancellationToken stoppingToken);

    /// <summary>After <see cref="WorkAsync"/> threw: drop what the failed round held (a connection); its items' leases expire.</summary>
    protected virtual ValueTask AfterFailureAsync() => ValueTask.CompletedTask;

    /// <summary>Once the loop has stopped.</summary>
    protected virtual ValueTask StoppedAsync() => ValueTask.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Runs) return;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // The next look is due a poll interval after this one began, however long it took:
                    // time that passes while the loop works (or a test advancing its clock meanwhile) is not lost.
                    var began = time.GetTimestamp();
                    var more = await WorkAsync(stoppingToken);
                    failures = 0;
                    var left = PollInterval - time.GetElapsedTime(began);
                    if (!more && left > TimeSpan.Zero) await wake.WaitAsync(left, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    failures++;
                    var wait = LoopBackoff.After(failures).ToTimeSpan();
                    log.LogError(e, "{Queue} failed ({Failures} in a row); retrying in {Wait}", GetType().Name, failures, wait);
                    await AfterFailureAsync();
                    try { await Task.Delay(wait, time, stoppingToken); }
                    catch (OperationCanceledException) { break; }
                }
            }
        }
        finally
        {
            await StoppedAsync();
        }
    }
}

/// <summary>
/// How a queue leases its items: for <see cref="Length"/> from a claim on the <see cref="LeaseClock"/>,
/// renewed every half of it while the work takes longer (<see cref="KeepRenewedAsync"/>). Short, because
/// a crashed instance's items wait that long for another to take them.
/// </summary>
public sealed record LeaseTerms(Duration Length)
{
    public Instant Until(Instant now) => now + Length;

    public TimeSpan RenewEvery => (Length / 2).ToTimeSpan();

    /// <summary>Calls <paramref name="renew"/> now and every <see cref="RenewEvery"/> on <paramref name="time"/> until <paramref name="work"/> is done.</summary>
    public async Task KeepRenewedAsync(Task work, Func<CancellationToken, Task> renew, TimeProvider time, CancellationToken ct)
    {
        while (!work.IsCompleted)
        {
            await renew(ct);
            await Task.WhenAny(work, Task.Delay(RenewEvery, time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }
}

/// <summary>
/// Pacing that measures the machine, not the calendar: whether webhook commits are still streaming
/// in, how long one delivery has been parsed, how often a page re-renders. It stays on the system's
/// monotonic clock on purpose: it is about CPU and disk, and a fake clock standing still in a test
/// must not hold processing up. Everything about when things are due uses the injected
/// <see cref="TimeProvider"/> or the <see cref="LeaseClock"/>.
/// </summary>
public static class Pacing
{
    public static TimeProvider Clock => TimeProvider.System;
}
