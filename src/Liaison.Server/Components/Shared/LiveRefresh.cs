namespace Liaison.Server.Components.Shared;

/// <summary>
/// Turns a burst of <see cref="Features.Inbound.LiveUpdates"/> events into one refresh: the first
/// event schedules <c>refresh</c> after <see cref="Window"/>, events meanwhile join it. A storm of
/// deliveries thus re-renders a page at most five times a second, and the last event is never lost
/// (one arriving during a refresh schedules the next).
/// </summary>
/// <remarks>
/// Events come from the processor's thread: <c>refresh</c> must marshal onto the circuit itself
/// (a component passes <c>() => InvokeAsync(...)</c>). A refresh runs outside any event handler, so
/// its exception goes to <c>failed</c> (a component passes <c>DispatchExceptionAsync</c>, and the
/// circuit treats it like one thrown by a handler) instead of vanishing with the task.
/// <para>The window is pacing (how often a page re-renders), so it waits on the
/// <see cref="Features.Background.Pacing"/> clock, not the app's: a fake clock standing still must
/// not stop pages refreshing.</para>
/// </remarks>
public sealed class LiveRefresh(Func<Task> refresh, Func<Exception, Task> failed) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private readonly Lock gate = new();
    private bool scheduled;
    private bool disposed;

    public void Trigger()
    {
        lock (gate)
        {
            if (scheduled || disposed) return;
            scheduled = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        await Task.Delay(Window, Features.Background.Pacing.Clock);
        lock (gate)
        {
            scheduled = false;
            if (disposed) return;
        }
        try { await refresh(); }
        catch (ObjectDisposedException) { } // the circuit closed while the refresh waited
        catch (Exception e) { await failed(e); }
    }

    public void Dispose()
    {
        lock (gate) disposed = true;
    }
}
