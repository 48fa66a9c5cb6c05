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

    public void PublishTimeline(long clientId) => TimelineChanged?.Invoke(clientId);

    public void PublishUnknownSenders() => UnknownSendersChanged?.Invoke();

    public void PublishUndelivered() => UndeliveredChanged?.Invoke();
}
