using Liaison.Core.Background;
using Liaison.Core.Inbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

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

    // ±20 % so that many mailboxes failing together (the server restarted) don't return together.
    internal Backoff Backoff => new(Duration.FromTimeSpan(InitialBackoff), Duration.FromTimeSpan(MaxBackoff), Jitter: 0.2);

    internal Backoff AuthenticationBackoff => new(Duration.FromTimeSpan(InitialAuthenticationBackoff), Duration.FromTimeSpan(MaxAuthenticationBackoff), Jitter: 0.2);

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

    /// <summary>
    /// False: ignore CONDSTORE and QRESYNC even when the server offers them, and sync as with a
    /// server that has neither (tests of that path; a way out should a server's mod-sequences misbehave).
    /// </summary>
    public bool UseModSeq { get; set; } = true;

    /// <summary>Sees every connection's IMAP conversation (tests count the commands); null logs nothing.</summary>
    public Func<IProtocolLogger>? ProtocolLogger { get; set; }
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
/// <para>Where the server offers CONDSTORE the checkpoint also keeps the folder's HIGHESTMODSEQ, and a
/// folder whose UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ are as checkpointed costs one EXAMINE per pass:
/// no SEARCH, no FETCH. With QRESYNC the folder is opened from the checkpoint, so the server reports
/// what vanished and which flags changed since; both are only logged. Mail deleted on the server stays
/// in Liaison (its history is kept), and flags are not imported.</para>
/// </remarks>
public sealed class ImapSync(
    long channelId,
    EmailSettings settings,
    IInboundSink sink,
    IMailboxCheckpoints checkpoints,
    ImapSyncOptions? options = null,
    ILogger<ImapSync>? logger = null,
    TimeProvider? time = null)
{
    // Fetched batches that may wait for their commit while the next is fetched: enough that a slow
    // commit (the database busy with processing) doesn't stop the mail streaming in; a few MB each.
    private const int BatchesInFlight = 3;

    private static readonly string[] SentNames = ["Sent", "Sent Items", "Sent Messages", "Sent Mail", "Wysłane", "Отправленные", "Изпратени"];

    private readonly ImapSyncOptions _options = options ?? new ImapSyncOptions();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    // Every wait (a retry's backoff, polling, the recheck of every folder) is on this clock: the host's, so a test's fake clock moves them.
    private readonly TimeProvider _time = time ?? TimeProvider.System;

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
                var failedAt = _time.GetTimestamp();
                var delay = (e is AuthenticationException ? _options.AuthenticationBackoff : _options.Backoff).After(failures).ToTimeSpan();
                var error = ErrorText(e);
                LogFailure(e, error, $"{failures} in a row; retrying in {delay}");
                Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Failing, Error: error, Failures: failures, RetryIn: delay));
                try
                {
                    // Counted from the failure, not from here: the time the status update took is part of the wait.
                    var left = delay - _time.GetElapsedTime(failedAt);
                    if (left > TimeSpan.Zero) await Task.Delay(left, _time, ct);
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
            var error = ErrorText(e);
            LogFailure(e, error, "one pass");
            Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Failing, Error: error, Failures: 1));
            throw;
        }
    }

    /// <summary>
    /// What the status shows: the server's own words where it gave some (a NO to LOGIN says why),
    /// a plain sentence for a peer that does not speak IMAP (an SSH port answers with its banner,
    /// which MailKit quotes), else the exception's; sanitised and capped, as they come from the network.
    /// </summary>
    private string ErrorText(Exception e) => e switch
    {
        ImapCommandException { ResponseText: { Length: > 0 } text } => MailHosts.Sanitize(text),
        ProtocolException => MailHosts.NotAServer(settings.Imap.Host, settings.Imap.Port, "IMAP"),
        _ => MailHosts.Sanitize(e.Message),
    };

    /// <summary>The log keeps the detail the status leaves out, sanitised: control characters a peer sent must not reach a terminal.</summary>
    private void LogFailure(Exception e, string error, string context)
    {
        var detail = MailHosts.Sanitize(string.Join(" <- ", Chain(e).Select(x => $"{x.GetType().Name}: {x.Message}")), 2000);
        if (Chain(e).Any(x => x is ProtocolException))
            _logger.LogWarning("Mailbox {ChannelId} failed ({Context}): {Error} [{Detail}]", channelId, context, error, detail);
        else
            _logger.LogWarning(e, "Mailbox {ChannelId} failed ({Context}): {Error} [{Detail}]", channelId, context, error, detail);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException) yield return x;
    }

    private async Task<ImapClient> ConnectAsync(CancellationToken ct)
    {
        Status.Update(s => s with { State = MailboxSyncState.Connecting, RetryIn = null });
        var imap = settings.Imap;
        var client = _options.ProtocolLogger is { } logger ? new ImapClient(logger()) : new ImapClient();
        client.Timeout = (int)_options.CommandTimeout.TotalMilliseconds;
        try
        {
            await imap.ConnectAsync(client, ct);
            // The capabilities after login count (servers add some once authenticated); MailKit
            // lets a client drop capabilities, and then never uses them.
            if (!_options.UseModSeq) client.Capabilities &= ~(ImapCapabilities.CondStore | ImapCapabilities.QuickResync);
            // QRESYNC must be enabled before any folder is selected.
            if (client.Capabilities.HasFlag(ImapCapabilities.QuickResync)) await client.EnableQuickResyncAsync(ct);
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

    /// <param name="Checkpoint">the folder's checkpoint when the pass began.</param>
    /// <param name="SeenUpTo">every UID below the UIDNEXT the server gave when the folder was opened: what the search saw or what was expunged.</param>
    /// <param name="BaseModSeq">the checkpoint's HIGHESTMODSEQ while it still holds (same UIDVALIDITY, server with CONDSTORE); kept until the folder is done.</param>
    /// <param name="HighestModSeq">the folder's HIGHESTMODSEQ when opened, null without CONDSTORE: the checkpoint's once every message up to <paramref name="SeenUpTo"/> is committed.</param>
    /// <param name="BackfillUpTo">mail up to this UID is the initial sync's history, handed over as backfill (<see cref="MailboxCheckpoint.BackfillUpTo"/>).</param>
    private sealed record FolderPlan(
        IMailFolder Folder, MailboxCheckpoint? Checkpoint, uint UidValidity, IList<UniqueId> Uids, uint Last, uint SeenUpTo,
        ulong? BaseModSeq, ulong? HighestModSeq, uint BackfillUpTo);

    private async Task<int> SyncFoldersAsync(ImapClient client, IReadOnlyList<IMailFolder> folders, CancellationToken ct)
    {
        var condStore = client.Capabilities.HasFlag(ImapCapabilities.CondStore);
        var plans = new List<FolderPlan>();
        // Last to first, so that the first folder (INBOX), which the wait for new mail watches, is
        // still selected after a pass that found nothing: a recheck costs one EXAMINE per folder.
        foreach (var folder in folders.Reverse())
        {
            var checkpoint = await checkpoints.GetAsync(channelId, folder.FullName, ct);
            await OpenFromCheckpointAsync(client, folder, checkpoint, ct);
            uint last = 0;
            ulong? baseModSeq = null;
            var initial = true;
            if (checkpoint is not null && checkpoint.UidValidity == folder.UidValidity)
            {
                last = checkpoint.LastUid;
                baseModSeq = condStore ? checkpoint.HighestModSeq : null;
                initial = false;
            }
            else if (checkpoint is not null)
                _logger.LogInformation("Mailbox {ChannelId}: {Folder} has a new UIDVALIDITY ({Old} -> {New}); syncing it again from the start",
                    channelId, folder.FullName, checkpoint.UidValidity, folder.UidValidity);
            var seenUpTo = folder.UidNext is { } next ? next.Id - 1 : 0;
            ulong? modSeq = condStore && folder.Supports(FolderFeature.ModSequences) && folder.HighestModSeq > 0 ? folder.HighestModSeq : null;
            // With mod-sequences, a UIDNEXT no higher than the checkpoint's means nothing arrived: a
            // HIGHESTMODSEQ that moved tells of flag changes or expunges, which are not imported. Without
            // them the search below stays, as servers without CONDSTORE have always been synced.
            var nothingNew = modSeq is not null && folder.UidNext is not null && seenUpTo <= last;
            IList<UniqueId> uids = folder.Count == 0 || nothingNew ? []
                : await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue)), ct);
            // "n:*" always matches the highest UID, even one below n.
            var found = uids.Where(u => u.Id > last).OrderBy(u => u.Id).ToList();
            // Read from the start (no checkpoint, or renumbered): what is there now is history, whatever
            // this pass gets through before a crash; a resumed pass keeps the bound its checkpoints carry.
            var backfillUpTo = initial ? Math.Max(seenUpTo, found.Count > 0 ? found[^1].Id : 0) : checkpoint!.BackfillUpTo;
            plans.Add(new FolderPlan(folder, checkpoint, folder.UidValidity, found, last, seenUpTo, baseModSeq, modSeq, backfillUpTo));
        }
        plans.Reverse();

        var total = plans.Sum(p => p.Uids.Count);
        var done = 0;
        Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Syncing, 0, total));
        foreach (var plan in plans)
        {
            var folder = plan.Folder;
            if (plan.Uids.Count == 0)
            {
                await FinishFolderAsync(plan, ct);
                continue;
            }
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            if (folder.UidValidity != plan.UidValidity) continue; // renumbered under us: the next pass starts it over
            Status.Update(s => s with { Folder = folder.FullName });
            // Batches still committing while the next ones are fetched, oldest first: a checkpoint is
            // saved once its batch has committed, and always before the next one's.
            var committing = new Queue<(Task Committed, MailboxCheckpoint Checkpoint)>();
            try
            {
                foreach (var batch in plan.Uids.Chunk(Math.Max(1, _options.BatchSize)))
                {
                    var summaries = await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Envelope, ct);
                    var byUid = summaries.Where(s => s.UniqueId.IsValid).ToDictionary(s => s.UniqueId.Id);
                    var small = batch.Where(u => !byUid.TryGetValue(u.Id, out var s) || (s.Size ?? 0) <= _options.LargeMessageBytes).ToList();
                    // The sink reads each mail and queues it; the batch's mails are committed together
                    // while the next ones stream in (one commit per mail made storing a 20,000-mail
                    // mailbox wait on 20,000 fsyncs).
                    var commits = new List<Task>(batch.Length);
                    if (small.Count > 0)
                    {
                        await ((IImapFolder)folder).GetStreamsAsync(small, async (f, _, uid, stream, token) =>
                        {
                            commits.Add((await sink.AcceptAsync(channelId, KeyFor(f, plan.UidValidity, uid, byUid.GetValueOrDefault(uid.Id)), stream, uid.Id <= plan.BackfillUpTo, token)).Committed);
                            done++;
                            Status.Update(s => s with { Done = done });
                        }, ct);
                    }
                    foreach (var uid in batch.Except(small))
                    {
                        await using var stream = new ImapMessageStream(folder, uid, _options.ChunkBytes);
                        commits.Add((await sink.AcceptAsync(channelId, KeyFor(folder, plan.UidValidity, uid, byUid[uid.Id]), stream, uid.Id <= plan.BackfillUpTo, ct)).Committed);
                        done++;
                        Status.Update(s => s with { Done = done });
                    }
                    committing.Enqueue((Task.WhenAll(commits), new MailboxCheckpoint(plan.UidValidity, batch.Max(u => u.Id), plan.BaseModSeq, plan.BackfillUpTo)));
                    while (committing.Count > BatchesInFlight || committing.TryPeek(out var oldest) && oldest.Committed.IsCompleted)
                        await SaveWhenCommittedAsync(folder, committing.Dequeue(), ct);
                }
            }
            catch when (committing.TakeWhile(b => b.Committed.IsCompletedSuccessfully).LastOrDefault() is { Committed: not null } committed)
            {
                // Fetching failed (the connection dropped): what did commit is not fetched again.
                await checkpoints.SaveAsync(channelId, folder.FullName, committed.Checkpoint, CancellationToken.None);
                throw;
            }
            while (committing.TryDequeue(out var batch)) await SaveWhenCommittedAsync(folder, batch, ct);
            await FinishFolderAsync(plan, ct);
        }
        Status.Set(new MailboxSyncSnapshot(MailboxSyncState.Idle, done, total));
        _logger.LogInformation("Mailbox {ChannelId}: {Count} new messages handed to the pipeline", channelId, done);
        return done;
    }

    private async Task SaveWhenCommittedAsync(IMailFolder folder, (Task Committed, MailboxCheckpoint Checkpoint) batch, CancellationToken ct)
    {
        await batch.Committed.WaitAsync(ct);
        await checkpoints.SaveAsync(channelId, folder.FullName, batch.Checkpoint, ct);
    }

    /// <summary>
    /// Once every message the pass found is committed: moves the checkpoint up to UIDNEXT-1 as the
    /// folder was when opened, past messages expunged before we fetched them, so that "UIDNEXT is
    /// beyond the checkpoint" means new mail; and to the HIGHESTMODSEQ of that moment.
    /// </summary>
    private async Task FinishFolderAsync(FolderPlan plan, CancellationToken ct)
    {
        var last = plan.Uids.Count > 0 ? plan.Uids[^1].Id : plan.Last;
        var stored = plan.Uids.Count > 0 ? new MailboxCheckpoint(plan.UidValidity, last, plan.BaseModSeq, plan.BackfillUpTo) : plan.Checkpoint;
        var finished = new MailboxCheckpoint(plan.UidValidity, Math.Max(last, plan.SeenUpTo), plan.HighestModSeq, plan.BackfillUpTo);
        if (finished != stored)
            await checkpoints.SaveAsync(channelId, plan.Folder.FullName, finished, ct);
    }

    /// <summary>
    /// Opens a folder read-only; with QRESYNC, from the checkpoint, so that the server tells what
    /// vanished and which flags changed since. Liaison keeps mail deleted on the server (history is
    /// not rewritten) and does not import flags, so both are only logged.
    /// </summary>
    private async Task OpenFromCheckpointAsync(ImapClient client, IMailFolder folder, MailboxCheckpoint? checkpoint, CancellationToken ct)
    {
        if (checkpoint?.HighestModSeq is not { } modSeq || !client.Capabilities.HasFlag(ImapCapabilities.QuickResync))
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            return;
        }
        var vanished = 0;
        var flagsChanged = 0;
        void OnVanished(object? sender, MessagesVanishedEventArgs e) => vanished += e.UniqueIds.Count;
        void OnFlagsChanged(object? sender, MessageFlagsChangedEventArgs e) => flagsChanged++;
        folder.MessagesVanished += OnVanished;
        folder.MessageFlagsChanged += OnFlagsChanged;
        try
        {
            // The known UIDs bound what the server reports as vanished; on another UIDVALIDITY it
            // ignores all of this and the folder is read again from the start.
            IList<UniqueId> known = checkpoint.LastUid > 0 ? new UniqueIdRange(UniqueId.MinValue, new UniqueId(checkpoint.LastUid)) : [];
            await folder.OpenAsync(FolderAccess.ReadOnly, checkpoint.UidValidity, modSeq, known, ct);
        }
        finally
        {
            folder.MessagesVanished -= OnVanished;
            folder.MessageFlagsChanged -= OnFlagsChanged;
        }
        if (vanished > 0 || flagsChanged > 0)
            _logger.LogDebug("Mailbox {ChannelId}: since the checkpoint {Folder} lost {Vanished} messages on the server (kept in Liaison) and changed flags on {FlagsChanged} (not imported)",
                channelId, folder.FullName, vanished, flagsChanged);
    }

    /// <summary>The Message-ID (so INBOX and Sent copies, and refetches after a renumbering, are one delivery); else the folder position.</summary>
    private static DeliveryKey KeyFor(IMailFolder folder, uint uidValidity, UniqueId uid, IMessageSummary? summary) =>
        summary?.Envelope?.MessageId is { Length: > 0 } messageId
            ? EmailAdapter.DeliveryKeyFor(messageId)
            : new DeliveryKey($"{folder.FullName}:{uidValidity}:{uid.Id}");

    /// <summary>Waits on the first folder (INBOX by default) for new mail, or until it's time to check every folder again.</summary>
    private async Task WaitForNewMailAsync(ImapClient client, IMailFolder inbox, CancellationToken ct)
    {
        if (!inbox.IsOpen) await inbox.OpenAsync(FolderAccess.ReadOnly, ct);
        // Mail that came between the search and now is already counted in UIDNEXT; IDLE would not report it.
        var checkpoint = await checkpoints.GetAsync(channelId, inbox.FullName, ct);
        if (inbox.UidNext is { } next && (checkpoint is null ? next.Id > 1 : checkpoint.UidValidity != inbox.UidValidity || next.Id - 1 > checkpoint.LastUid))
            return;
        using var recheck = new CancellationTokenSource(_options.RecheckInterval, _time);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct, recheck.Token);
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
                        await Task.Delay(_options.PollInterval, _time, done.Token);
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
