namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Tells open pages that something landed, so they refresh without a reload. The owner's pages are
/// Blazor Server components, already connected over SignalR: they subscribe here and re-render.
/// </summary>
/// <remarks>In-process: with several instances on one PostgreSQL, a LISTEN/NOTIFY backplane will feed this.</remarks>
public sealed class LiveUpdates
{
    /// <summary>A client's timeline changed (a message landed or moved).</summary>
    public event Action<long>? TimelineChanged;

    /// <summary>The unknown senders list changed.</summary>
    public event Action? UnknownSendersChanged;

    /// <summary>A delivery failed or was retried: the Undelivered page changed.</summary>
    public event Action? UndeliveredChanged;

    /// <summary>
    /// Promises were made, raised once the transaction that stored them committed (see
    /// <see cref="Promises.PromiseNotices"/>) on the thread that committed it: a listener does
    /// little here (wakes its worker) and reads what it needs from the database there.
    /// </summary>
    public event Action<IReadOnlyList<Promises.PromiseMade>>? PromisesMade;

    /// <summary>A promise was answered, closed, snoozed, handed on or made urgent: the queue changed.</summary>
    public event Action? QueueChanged;

    public void PublishTimeline(long clientId) => TimelineChanged?.Invoke(clientId);

    /// <summary>Tells every listener, even when one of them throws (their failures come back together).</summary>
    public void PublishPromisesMade(IReadOnlyList<Promises.PromiseMade> made)
    {
        if (PromisesMade is not { } listeners) return;
        List<Exception>? failures = null;
        foreach (var listener in listeners.GetInvocationList().Cast<Action<IReadOnlyList<Promises.PromiseMade>>>())
        {
            try { listener(made); }
            catch (Exception e) { (failures ??= []).Add(e); }
        }
        if (failures is not null) throw new AggregateException(failures);
    }

    public void PublishQueue() => QueueChanged?.Invoke();

    /// <summary>The owner is to be interrupted now (an urgent promise): open owner pages show a browser notification.</summary>
    public event Action<Notifications.OwnerNotice>? OwnerNotified;

    public void PublishOwnerNotice(Notifications.OwnerNotice notice) => OwnerNotified?.Invoke(notice);

    public void PublishUnknownSenders() => UnknownSendersChanged?.Invoke();

    public void PublishUndelivered() => UndeliveredChanged?.Invoke();
}
