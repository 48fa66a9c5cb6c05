using Liaison.Core.Inbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Liaison.Channels.Email;

public sealed class ImapSyncOptions
{
    /// <summary>UIDs per FETCH: one command streams this many messages back to back.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages above this size are fetched in <see cref="ChunkBytes"/> pieces instead of whole.</summary>
    public long LargeMessageBytes { get; set; } = 4 * 1024 * 1024;

    public int ChunkBytes { get; set; } = 1024 * 1024;

    /// <summary>The first wait after a failure; it doubles per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The first wait after the server refused the credentials: retrying soon cannot help until the
    /// owner fixes the password, and providers lock accounts that keep failing.
    /// </summary>
    public TimeSpan InitialAuthenticationBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxAuthenticationBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long one IDLE (or one round of polling) lasts before every folder is checked again: IDLE
    /// watches INBOX only, and RFC 2177 asks clients to re-issue it within 29 minutes.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often NOOP asks for news when the server has no IDLE.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>False: poll even when the server offers IDLE (tests of the fallback).</summary>
    public bool UseIdle { get; set; } = true;

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Pulls one mailbox into the inbound pipeline: an initial sync of each folder (INBOX and Sent by
/// default) from its checkpoint, then live through IMAP IDLE (or polling), reconnecting with
/// exponential backoff. Every message goes to <see cref="IInboundSink"/> raw; parsing happens later,
/// off this connection. One instance per mailbox channel.
/// </summary>
/// <remarks>
/// Folders are opened read-only and fetched with BODY.PEEK, so syncing never marks mail as read.
/// The checkpoint moves only after the sink committed a whole batch: a crash re-sends at most one
/// batch, which the sink's deduplication absorbs.
/// </remarks>
public sealed class ImapSync(
    long channelId,
    EmailSettings settings,
    IInboundSink sink,
    IMailboxCheckpoints checkpoints,
    ImapSyncOptions? options = null,
    ILogger<ImapSync>? logger = null)
{
    private static readonly string[] SentNames = ["Sent", "Sent Items", "Sent Messages", "Sent Mail", "Wysłane", "Отправленные", "Изпратени"];

    private readonly ImapSyncOptions _options = options ?? new ImapSyncOptions();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public long ChannelId => channelId;

    public MailboxSyncStatus Status { get; } = new();

    /// <summary>Syncs, then stays live until <paramref name="ct"/> is cancelled; failures are shown and retried, never thrown.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var client = await ConnectAsync(ct);
                var folders = await FoldersAsync(client, ct);
                while (true)
                {
                    await SyncFoldersAsync(client, folders, ct);
                    // Reset only after a whole pass: a connection that succeeds but whose sync fails
                    // again and again must back off too.
                    failures = 0;
                    await WaitForNewMailAsync(client, folders[0], ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                var delay = e is AuthenticationException
                    ? Backoff(failures, _options.InitialAuthenticationBackoff, _options.MaxAuthenticationBackoff)
                    : Backoff(failures, _options.InitialBackoff, _options.MaxBackoff);
                var error = ErrorText(e);
                _logger.LogWarning(e, "Mailbox {ChannelId} failed ({Failures} in a row): {Error}; retrying in {Delay}", channelId, failures, error, delay);
                Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Failing, Error: error, Failures: failures, RetryIn: delay));
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        Status.Update(s => s with { State = MailboxSyncState.Stopped, RetryIn = null });
    }

    /// <summary>One pass: connect, bring every folder up to date, disconnect. Returns how many messages went to the sink.</summary>
    public async Task<int> SyncOnceAsync(CancellationToken ct)
    {
        try
        {
            using var client = await ConnectAsync(ct);
            var handed = await SyncFoldersAsync(client, await FoldersAsync(client, ct), ct);
            await client.DisconnectAsync(quit: true, ct);
            return handed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Failing, Error: ErrorText(e), Failures: 1));
            throw;
        }
    }

    private static TimeSpan Backoff(int failures, TimeSpan initial, TimeSpan max)
    {
        var exponent = Math.Min(failures - 1, 20);
        var delay = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        // ±20 % so that many mailboxes failing together (the server restarted) don't return together.
        return TimeSpan.FromMilliseconds(delay * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    /// <summary>The server's own words where it gave some (a NO to LOGIN says why), else the exception's.</summary>
    private static string ErrorText(Exception e) => e switch
    {
        ImapCommandException { ResponseText: { Length: > 0 } text } => text,
        _ => e.Message,
    };

    private async Task<ImapClient> ConnectAsync(CancellationToken ct)
    {
        Status.Update(s => s with { State = MailboxSyncState.Connecting, RetryIn = null });
        var imap = settings.Imap;
        var client = new ImapClient { Timeout = (int)_options.CommandTimeout.TotalMilliseconds };
        try
        {
            await imap.ConnectAsync(client, ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<List<IMailFolder>> FoldersAsync(ImapClient client, CancellationToken ct)
    {
        if (settings.Folders is { } names)
        {
            var chosen = new List<IMailFolder>();
            foreach (var name in names)
                chosen.Add(name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(name, ct));
            return chosen;
        }
        var folders = new List<IMailFolder> { client.Inbox };
        IMailFolder? sent = null;
        if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0)
            sent = client.GetFolder(SpecialFolder.Sent);
        if (sent is null && client.PersonalNamespaces.Count > 0)
        {
            var all = await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: ct);
            sent = all.FirstOrDefault(f => SentNames.Contains(f.Name, StringComparer.OrdinalIgnoreCase));
        }
        if (sent is not null) folders.Add(sent);
        return folders;
    }

    /// <param name="SeenUpTo">every UID below the UIDNEXT the server gave when the folder was opened: what the search saw or what was expunged.</param>
    private sealed record FolderPlan(IMailFolder Folder, uint UidValidity, IList<UniqueId> Uids, uint Last, uint SeenUpTo);

    private async Task<int> SyncFoldersAsync(ImapClient client, IReadOnlyList<IMailFolder> folders, CancellationToken ct)
    {
        var plans = new List<FolderPlan>();
        foreach (var folder in folders)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            var checkpoint = await checkpoints.GetAsync(channelId, folder.FullName, ct);
            uint last = 0;
            if (checkpoint is not null && checkpoint.UidValidity == folder.UidValidity) last = checkpoint.LastUid;
            else if (checkpoint is not null)
                _logger.LogInformation("Mailbox {ChannelId}: {Folder} has a new UIDVALIDITY ({Old} -> {New}); syncing it again from the start",
                    channelId, folder.FullName, checkpoint.UidValidity, folder.UidValidity);
            IList<UniqueId> uids = folder.Count == 0 ? []
                : await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue)), ct);
            var seenUpTo = folder.UidNext is { } next ? next.Id - 1 : 0;
            // "n:*" always matches the highest UID, even one below n.
            plans.Add(new FolderPlan(folder, folder.UidValidity, uids.Where(u => u.Id > last).OrderBy(u => u.Id).ToList(), last, seenUpTo));
        }

        var total = plans.Sum(p => p.Uids.Count);
        var done = 0;
        Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Syncing, 0, total));
        foreach (var plan in plans)
        {
            var folder = plan.Folder;
            if (plan.Uids.Count == 0)
            {
                await MoveCheckpointPastExpungedAsync(plan, ct);
                continue;
            }
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            if (folder.UidValidity != plan.UidValidity) continue; // renumbered under us: the next pass starts it over
            Status.Update(s => s with { Folder = folder.FullName });
            foreach (var batch in plan.Uids.Chunk(Math.Max(1, _options.BatchSize)))
            {
                var summaries = await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Envelope, ct);
                var byUid = summaries.Where(s => s.UniqueId.IsValid).ToDictionary(s => s.UniqueId.Id);
                var small = batch.Where(u => !byUid.TryGetValue(u.Id, out var s) || (s.Size ?? 0) <= _options.LargeMessageBytes).ToList();
                if (small.Count > 0)
                {
                    await ((IImapFolder)folder).GetStreamsAsync(small, async (f, _, uid, stream, token) =>
                    {
                        await sink.AcceptAsync(channelId, KeyFor(f, plan.UidValidity, uid, byUid.GetValueOrDefault(uid.Id)), stream, token);
                        done++;
                        Status.Update(s => s with { Done = done });
                    }, ct);
                }
                foreach (var uid in batch.Except(small))
                {
                    await using var stream = new ImapMessageStream(folder, uid, _options.ChunkBytes);
                    await sink.AcceptAsync(channelId, KeyFor(folder, plan.UidValidity, uid, byUid[uid.Id]), stream, ct);
                    done++;
                    Status.Update(s => s with { Done = done });
                }
                await checkpoints.SaveAsync(channelId, folder.FullName, new MailboxCheckpoint(plan.UidValidity, batch.Max(u => u.Id)), ct);
            }
            await MoveCheckpointPastExpungedAsync(plan, ct);
        }
        Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Idle, done, total));
        _logger.LogInformation("Mailbox {ChannelId}: {Count} new messages handed to the pipeline", channelId, done);
        return done;
    }

    /// <summary>
    /// Moves the checkpoint up to UIDNEXT-1 as the folder was when opened, past messages expunged
    /// before we fetched them, so that "UIDNEXT is beyond the checkpoint" means new mail.
    /// </summary>
    private async Task MoveCheckpointPastExpungedAsync(FolderPlan plan, CancellationToken ct)
    {
        var last = plan.Uids.Count > 0 ? plan.Uids[^1].Id : plan.Last;
        if (plan.SeenUpTo > last)
            await checkpoints.SaveAsync(channelId, plan.Folder.FullName, new MailboxCheckpoint(plan.UidValidity, plan.SeenUpTo), ct);
    }

    /// <summary>The Message-ID (so INBOX and Sent copies, and refetches after a renumbering, are one delivery); else the folder position.</summary>
    private static DeliveryKey KeyFor(IMailFolder folder, uint uidValidity, UniqueId uid, IMessageSummary? summary) =>
        summary?.Envelope?.MessageId is { Length: > 0 } messageId
            ? EmailAdapter.DeliveryKeyFor(messageId)
            : new DeliveryKey($"{folder.FullName}:{uidValidity}:{uid.Id}");

    /// <summary>Waits on the first folder (INBOX by default) for new mail, or until it's time to check every folder again.</summary>
    private async Task WaitForNewMailAsync(ImapClient client, IMailFolder inbox, CancellationToken ct)
    {
        await inbox.OpenAsync(FolderAccess.ReadOnly, ct);
        // Mail that came between the search and now is already counted in UIDNEXT; IDLE would not report it.
        var checkpoint = await checkpoints.GetAsync(channelId, inbox.FullName, ct);
        if (inbox.UidNext is { } next && (checkpoint is null ? next.Id > 1 : checkpoint.UidValidity != inbox.UidValidity || next.Id - 1 > checkpoint.LastUid))
            return;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        done.CancelAfter(_options.RecheckInterval);
        void OnChange(object? sender, EventArgs e) => done.Cancel();
        inbox.CountChanged += OnChange;
        inbox.UidValidityChanged += OnChange;
        try
        {
            if (_options.UseIdle && client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                await client.IdleAsync(done.Token, ct);
            }
            else
            {
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(_options.PollInterval, done.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        break;
                    }
                    await client.NoOpAsync(ct);
                }
            }
            ct.ThrowIfCancellationRequested();
        }
        finally
        {
            inbox.CountChanged -= OnChange;
            inbox.UidValidityChanged -= OnChange;
        }
    }
}
