namespace Liaison.Core.Background;

/// <summary>
/// Tells a background loop that there is work now (something was queued, a channel connected) so it
/// does not wait for its next look. Signals given while the loop is busy collapse into one: the loop
/// looks again once, which sees everything queued meanwhile.
/// </summary>
/// <remarks>
/// The wait runs on a <see cref="TimeProvider"/>, so a test that advances a fake clock past the
/// loop's poll interval wakes it exactly as the interval passing would.
/// </remarks>
public sealed class WakeSignal(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public WakeSignal() : this(TimeProvider.System) { }

    public void Wake()
    {
        if (signal.CurrentCount != 0) return;
        try { signal.Release(); }
        catch (SemaphoreFullException) { /* already awake */ }
        catch (ObjectDisposedException) { /* the loop is gone */ }
    }

    /// <summary>
    /// Returns true when woken, false when <paramref name="atMost"/> passed on the time provider first;
    /// throws <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan atMost, CancellationToken ct)
    {
        if (signal.Wait(0, CancellationToken.None)) return true;
        using var timeout = new CancellationTokenSource(atMost, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => signal.Dispose();
}
