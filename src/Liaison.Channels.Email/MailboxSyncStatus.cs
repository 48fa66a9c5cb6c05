namespace Liaison.Channels.Email;

public enum MailboxSyncState
{
    Connecting,
    Syncing,
    Idle,
    Failing,
    Stopped,
}

/// <summary>
/// What the channel page shows: syncing n of N, idle, or failing in the server's own words.
/// </summary>
/// <param name="Done">messages handed to the pipeline in this sync pass.</param>
/// <param name="Total">messages this pass found to fetch (all folders).</param>
/// <param name="Error">the server's text (an IMAP NO/BAD response, a socket error) while <see cref="MailboxSyncState.Failing"/>.</param>
/// <param name="Failures">consecutive failed attempts; the next attempt waits longer each time.</param>
public sealed record MailboxSyncSnapshot(
    MailboxSyncState State,
    int Done = 0,
    int Total = 0,
    string? Folder = null,
    string? Error = null,
    int Failures = 0,
    TimeSpan? RetryIn = null);

/// <summary>The sync's current state, readable at any time and raising <see cref="Changed"/> on each change.</summary>
public sealed class MailboxSyncStatus
{
    private MailboxSyncSnapshot _current = new(MailboxSyncState.Connecting);

    public MailboxSyncSnapshot Current => Volatile.Read(ref _current);

    public event Action<MailboxSyncSnapshot>? Changed;

    internal void Set(MailboxSyncSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        Changed?.Invoke(snapshot);
    }

    internal void Update(Func<MailboxSyncSnapshot, MailboxSyncSnapshot> change) => Set(change(Current));
}
