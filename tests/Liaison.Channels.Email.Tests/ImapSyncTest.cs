using Liaison.Core.Messages;
using MailKit;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

using Liaison.Testing;

namespace Liaison.Channels.Email.Tests;

/// <summary>The sync against the real Dovecot (and Postfix for live mail); each test has its own mailbox.</summary>
[Collection(nameof(AloneForMemory))] // its 50 MB test reads process-wide memory counters
public sealed class ImapSyncTest(MailServers servers)
{
    private const long ChannelId = 7;
    private readonly InMemoryMailboxCheckpoints _checkpoints = new();
    private readonly RecordingSink _sink = new();
    private readonly ImapCommandLog _imap = new();

    private ImapSync Sync(Core.Inbound.ChannelSettings settings, ImapSyncOptions? options = null, TimeProvider? time = null)
    {
        options ??= new ImapSyncOptions();
        options.ProtocolLogger ??= _imap.NewLogger;
        return new(ChannelId, EmailSettings.From(settings), _sink, _checkpoints, options, time: time);
    }

    /// <summary>What a pass asked of the server beyond opening folders: any SEARCH or FETCH.</summary>
    private IEnumerable<string> Searches() => _imap.Commands.Where(c => c is "SEARCH" or "UID SEARCH");

    private IEnumerable<string> Fetches() => _imap.Commands.Where(c => c is "FETCH" or "UID FETCH");

    private Task<MailboxCheckpoint?> CheckpointAsync(string folder = "INBOX") =>
        _checkpoints.GetAsync(ChannelId, folder, TestContext.Current.CancellationToken);

    /// <summary>Changes the mailbox as the owner's own mail program would, over IMAP.</summary>
    private async Task ChangeOnServerAsync(string owner, Func<IMailFolder, Task> change)
    {
        using var imap = await servers.OpenImapAsync(owner);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await change(imap.Inbox);
        await imap.DisconnectAsync(true);
    }

    private static List<MimeMessage> Mails(int count, string to, string prefix = "Mail") =>
        Enumerable.Range(1, count).Select(i => Corpus.Mail(subject: $"{prefix} {i}", text: $"Body {i}", to: to)).ToList();

    [Fact]
    public async Task Sync_InitialSync_HandsEveryMessageOnceWithProgress()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        var toSelf = Corpus.Mail(subject: "Note to self", from: owner, to: owner, messageId: "self@liaison.test");
        await servers.AppendAsync(owner, "INBOX", [.. Mails(25, owner), toSelf]);
        await servers.AppendAsync(owner, "Sent", [.. Enumerable.Range(1, 5).Select(i => Corpus.Mail(subject: $"Our answer {i}", from: owner, to: Corpus.Client)), toSelf]);
        var sync = Sync(settings, new ImapSyncOptions { BatchSize = 7 });
        var seen = new List<MailboxSyncSnapshot>();
        sync.Status.Changed += seen.Add;

        var handed = await sync.SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(32, handed);
        Assert.Equal(32, _sink.Calls);
        Assert.Equal(31, _sink.Stored.Count); // the note to self sits in INBOX and Sent: one delivery
        var messages = _sink.Messages(settings);
        Assert.Equal(31, messages.Count);
        Assert.Equal(6, messages.Count(m => m.Direction == MessageDirection.Outbound));
        Assert.Equal(new MailboxSyncSnapshot(MailboxSyncState.Idle, 32, 32), sync.Status.Current);
        Assert.Contains(seen, s => s is { State: MailboxSyncState.Syncing, Total: 32, Done: 10 });
        Assert.Equal(Enumerable.Range(1, 32), seen.Where(s => s.State == MailboxSyncState.Syncing && s.Done > 0).Select(s => s.Done).Distinct());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // a server without CONDSTORE
    public async Task Sync_ResumesFromCheckpoint_WithoutDuplicates(bool useModSeq)
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(20, owner));
        var options = new ImapSyncOptions { BatchSize = 5, UseModSeq = useModSeq };
        _sink.BeforeAccept = call =>
        {
            if (call == 13) throw new IOException("the disk is full");
        };

        var crash = await Assert.ThrowsAsync<IOException>(() => Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(12, _sink.Stored.Count);
        _sink.BeforeAccept = null;
        var resumed = await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);
        var again = await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal("the disk is full", crash.Message);
        Assert.Equal(10, resumed); // from the checkpoint after the second batch, not from the start
        Assert.Equal(0, again);
        Assert.Equal(20, _sink.Stored.Count);
        Assert.Equal(20, _sink.Messages(settings).Count);
    }

    [Fact]
    public async Task Sync_InitialSyncCutShortAndResumed_HandsAllOfItAsBackfill_AndLaterMailLive()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(12, owner));
        var options = new ImapSyncOptions { BatchSize = 5 };
        _sink.BeforeAccept = call =>
        {
            if (call == 8) throw new IOException("the disk is full");
        };
        await Assert.ThrowsAsync<IOException>(() => Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken));
        _sink.BeforeAccept = null;
        // Resumed from a checkpoint, which still knows where the initial sync's history ends.
        await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);
        await servers.AppendAsync(owner, "INBOX", Mails(2, owner, prefix: "Later"));
        await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(14, _sink.Stored.Count);
        Assert.Equal(12, _sink.Backfill.Values.Count(b => b));
        Assert.Equal(2, _sink.Backfill.Values.Count(b => !b));
        Assert.Equal(12u, (await CheckpointAsync())!.BackfillUpTo);
    }

    [Fact]
    public async Task Sync_UidValidityChanged_ResyncsWithoutDuplicates()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner, folders: "Archive");
        var withoutId = Corpus.Raw("""
            From: anna@client.test
            To: owner@liaison.test
            Subject: No Message-ID
            Date: Fri, 20 Nov 2026 09:30:00 +0100
            """, "An old script's mail.");
        var mails = Mails(5, owner);
        await servers.AppendAsync(owner, "Archive", [.. mails, MimeMessage.Load(new MemoryStream(withoutId))]);
        await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var before = await _checkpoints.GetAsync(ChannelId, "Archive", TestContext.Current.CancellationToken);

        using (var imap = await servers.OpenImapAsync(owner))
        {
            await (await MailServers.FolderAsync(imap, "Archive")).DeleteAsync();
        }
        // Dovecot derives a new folder's UIDVALIDITY from the clock's seconds: wait until it can differ.
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= before!.UidValidity) await Task.Delay(20, TestContext.Current.CancellationToken);
        await servers.AppendAsync(owner, "Archive", [.. mails, MimeMessage.Load(new MemoryStream(withoutId)), Corpus.Mail(subject: "New one", to: owner)]);
        var handed = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var after = await _checkpoints.GetAsync(ChannelId, "Archive", TestContext.Current.CancellationToken);

        Assert.NotNull(before!.HighestModSeq); // the folder is opened from that checkpoint with QRESYNC, which must not hide the renumbering
        Assert.NotEqual(before.UidValidity, after!.UidValidity);
        Assert.Equal(7, handed); // the renumbered folder is read again from the start
        // Deliveries with a Message-ID are stored once; the one without has a new key (its new UID),
        // and the pipeline's (channel, ProviderMessageId) rule makes it one message again.
        Assert.Equal(8, _sink.Stored.Count);
        Assert.Equal(7, _sink.Messages(settings).Count);
    }

    [Fact]
    public async Task Sync_UnchangedMailbox_SecondPassOnlyExaminesEachFolder()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(3, owner));
        await servers.AppendAsync(owner, "Sent", [Corpus.Mail(subject: "Our answer", from: owner, to: Corpus.Client)]);
        await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        _imap.Clear();

        var handed = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, handed);
        Assert.Empty(Searches());
        Assert.Empty(Fetches());
        // One EXAMINE per folder, from its checkpoint (QRESYNC was enabled right after login).
        Assert.Equal(2, _imap.Commands.Count(c => c == "EXAMINE"));
        Assert.Contains("ENABLE", _imap.Commands);
        Assert.All(_imap.Sent.Where(l => l.StartsWith("EXAMINE", StringComparison.Ordinal)), l => Assert.Contains("QRESYNC", l, StringComparison.Ordinal));
        Assert.NotNull((await CheckpointAsync())!.HighestModSeq);
        Assert.NotNull((await CheckpointAsync("Sent"))!.HighestModSeq);
        Assert.Equal(4, _sink.Calls);
    }

    [Fact]
    public async Task Sync_RecheckAfterIdle_CostsOneExaminePerFolder()
    {
        var owner = servers.NewMailbox("owner");
        await servers.AppendAsync(owner, "INBOX", Mails(3, owner));
        var sync = Sync(servers.SettingsFor(owner), new ImapSyncOptions { RecheckInterval = TimeSpan.FromMilliseconds(300) });
        using var stop = new CancellationTokenSource();
        var running = sync.RunAsync(stop.Token);
        await MailServers.WaitUntilAsync(() => _imap.Commands.Contains("IDLE"), () => $"the initial sync ({sync.Status.Current})");
        _imap.Clear();

        await MailServers.WaitUntilAsync(() => _imap.Commands.Count(c => c == "IDLE") >= 4, "a few rechecks");
        await stop.CancelAsync();
        await running;

        // Between one IDLE and the next: INBOX and Sent examined, INBOX left selected for the next IDLE.
        var commands = _imap.Commands;
        var firstIdle = commands.ToList().IndexOf("IDLE");
        var rechecks = string.Join(' ', commands.Skip(firstIdle)).Split("IDLE", StringSplitOptions.TrimEntries)[1..^1];
        Assert.NotEmpty(rechecks);
        Assert.All(rechecks, between => Assert.Equal("EXAMINE EXAMINE", between));
        Assert.Equal(3, _sink.Calls);
    }

    [Fact]
    public async Task Sync_FlagsChangedThenNewMail_FetchesOnlyTheNewMailOnce()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(3, owner));
        await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var synced = await CheckpointAsync();

        await ChangeOnServerAsync(owner, inbox => inbox.StoreAsync([0, 2], new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen | MessageFlags.Flagged) { Silent = true }));
        _imap.Clear();
        var afterFlags = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var flagged = await CheckpointAsync();
        var flagSearches = Searches().Count();
        var flagFetches = Fetches().Count();
        await servers.AppendAsync(owner, "INBOX", [Corpus.Mail(subject: "After the flags", to: owner)]);
        var afterMail = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, afterFlags);
        Assert.Equal(0, flagSearches); // nothing arrived (UIDNEXT as checkpointed): only HIGHESTMODSEQ moved
        Assert.Equal(0, flagFetches);
        Assert.True(flagged!.HighestModSeq > synced!.HighestModSeq, $"{flagged.HighestModSeq} after {synced.HighestModSeq}");
        Assert.Equal(synced.LastUid, flagged.LastUid);
        Assert.Equal(1, afterMail);
        Assert.Equal(4, _sink.Calls); // the three old mails were never handed again
        Assert.Contains("After the flags", _sink.Messages(settings).Select(m => m.Subject));
        Assert.Equal(synced.LastUid + 1, (await CheckpointAsync())!.LastUid);
    }

    [Fact]
    public async Task Sync_CheckpointFromBeforeModSeq_FetchesWhatIsNewAndLearnsTheModSeq()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(5, owner));
        await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var synced = (await CheckpointAsync())!;
        // As a checkpoint saved before HIGHESTMODSEQ was kept: UIDVALIDITY and last UID only.
        await _checkpoints.SaveAsync(ChannelId, "INBOX", new MailboxCheckpoint(synced.UidValidity, 3), TestContext.Current.CancellationToken);
        await servers.AppendAsync(owner, "INBOX", Mails(2, owner, prefix: "Later"));

        var handed = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var learned = await CheckpointAsync();
        _imap.Clear();
        var again = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(4, handed); // UIDs 4 and 5 again (the pipeline keeps them once) and the two new ones
        Assert.Equal(7, _sink.Stored.Count);
        Assert.Equal(7u, learned!.LastUid);
        Assert.NotNull(learned.HighestModSeq);
        Assert.Equal(0, again);
        Assert.Empty(Searches());
        Assert.Empty(Fetches());
    }

    [Fact]
    public async Task Sync_MailExpungedOnServer_StaysAndNothingIsFetchedAgain()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(4, owner));
        await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var synced = await CheckpointAsync();

        await ChangeOnServerAsync(owner, async inbox =>
        {
            await inbox.StoreAsync([1, 2], new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true });
            await inbox.ExpungeAsync();
        });
        _imap.Clear();
        var afterExpunge = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var vanished = _imap.Received.Where(l => l.StartsWith("* VANISHED", StringComparison.Ordinal)).ToList();
        var expungeFetches = Fetches().Count();
        var expunged = await CheckpointAsync();
        await servers.AppendAsync(owner, "INBOX", [Corpus.Mail(subject: "After the expunge", to: owner)]);
        var afterMail = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, afterExpunge);
        Assert.Equal(["* VANISHED (EARLIER) 2:3"], vanished); // QRESYNC told; the sync only logged it
        Assert.Equal(0, expungeFetches);
        Assert.True(expunged!.HighestModSeq > synced!.HighestModSeq);
        Assert.Equal(1, afterMail);
        Assert.Equal(5, _sink.Calls);
        Assert.Equal(5, _sink.Messages(settings).Count); // what the server expunged is still here
    }

    [Fact]
    public async Task Sync_ServerWithoutCondStore_SearchesEachPassAndKeepsNoModSeq()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner, folders: "INBOX");
        var options = new ImapSyncOptions { UseModSeq = false };
        await servers.AppendAsync(owner, "INBOX", Mails(3, owner));
        await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);
        _imap.Clear();

        var again = await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);
        var secondPass = _imap.Sent;
        await servers.AppendAsync(owner, "INBOX", [Corpus.Mail(subject: "Fourth", to: owner)]);
        var later = await Sync(settings, options).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, again);
        Assert.Contains(secondPass, l => l.StartsWith("UID SEARCH", StringComparison.Ordinal)); // as before mod-sequences: UIDs after the checkpoint's
        Assert.DoesNotContain(secondPass, l => l.StartsWith("ENABLE", StringComparison.Ordinal) || l.Contains("CONDSTORE", StringComparison.Ordinal) || l.Contains("QRESYNC", StringComparison.Ordinal));
        Assert.Null((await CheckpointAsync())!.HighestModSeq);
        Assert.Equal(1, later);
        Assert.Equal(4, _sink.Calls);
    }

    [Fact]
    public async Task Sync_MessageMimeKitCannotRead_IsHandedRawAndTheSyncGoesOn()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", [Corpus.Mail(subject: "Before", to: owner)]);
        await servers.DropIntoInboxAsync(owner, [0, 0, 0, 1, 2, 3, (byte)'\n', 0xFF, 0xFE]);
        await servers.AppendAsync(owner, "INBOX", [Corpus.Mail(subject: "After", to: owner)]);

        var handed = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, handed);
        var adapter = new EmailAdapter();
        var outcomes = _sink.Stored.Values.Select(raw =>
        {
            try
            {
                return ((Core.Inbound.InboundMessage)adapter.Parse(raw, settings)[0]).Subject;
            }
            catch (UnreadableEmailException)
            {
                return "(kept raw, flagged)";
            }
        });
        Assert.Equal(["(kept raw, flagged)", "After", "Before"], outcomes.Order());
    }

    [Fact]
    public async Task Sync_MailSentThroughPostfix_ArrivesLiveThroughIdle()
    {
        var owner = servers.NewMailbox("owner");
        var sync = Sync(servers.SettingsFor(owner));
        using var stop = new CancellationTokenSource();
        var running = sync.RunAsync(stop.Token);
        await MailServers.WaitUntilAsync(() => sync.Status.Current.State == MailboxSyncState.Idle, () => $"the initial sync ({sync.Status.Current})");

        var sentAt = DateTime.UtcNow;
        await servers.SendAsync(Corpus.Mail(subject: "Live one", to: owner));
        await MailServers.WaitUntilAsync(() => _sink.Stored.Count == 1, "the live mail", seconds: 10);
        var latency = DateTime.UtcNow - sentAt;
        await stop.CancelAsync();
        await running;

        Assert.Equal("Live one", Assert.Single(_sink.Messages(servers.SettingsFor(owner))).Subject);
        Assert.True(latency < TimeSpan.FromSeconds(3), $"took {latency}; IDLE should report it at once");
        Assert.Equal(MailboxSyncState.Stopped, sync.Status.Current.State);
    }

    [Fact]
    public async Task Sync_ServerWithoutIdle_PollsForNewMail()
    {
        var owner = servers.NewMailbox("owner");
        var sync = Sync(servers.SettingsFor(owner), new ImapSyncOptions { UseIdle = false, PollInterval = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var running = sync.RunAsync(stop.Token);
        await MailServers.WaitUntilAsync(() => sync.Status.Current.State == MailboxSyncState.Idle, () => $"the initial sync ({sync.Status.Current})");

        await servers.SendAsync(Corpus.Mail(subject: "Polled one", to: owner));
        await MailServers.WaitUntilAsync(() => _sink.Stored.Count == 1, "the polled mail", seconds: 10);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Sync_WrongPassword_FailsWithTheServersWords_AndWaitsAMinuteThenTwo_OnItsClock()
    {
        var owner = servers.NewMailbox("owner");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sync = Sync(servers.SettingsFor(owner, password: "wrong"), new ImapSyncOptions { InitialBackoff = TimeSpan.FromHours(1) }, time);
        var failures = new List<MailboxSyncSnapshot>();
        sync.Status.Changed += s =>
        {
            if (s.State == MailboxSyncState.Failing) lock (failures) failures.Add(s);
        };
        using var stop = new CancellationTokenSource();
        var running = sync.RunAsync(stop.Token);

        // Waits of 1, 2, 4 minutes (±20 %), each passing only on the sync's clock: not a storm.
        for (var failure = 1; failure <= 3; failure++)
        {
            await MailServers.WaitUntilAsync(() => sync.Status.Current is { State: MailboxSyncState.Failing } now && now.Failures == failure, () => $"failure {failure} ({sync.Status.Current})");
            var wait = sync.Status.Current.RetryIn!.Value;
            var minutes = Math.Pow(2, failure - 1);
            Assert.InRange(wait, TimeSpan.FromMinutes(minutes * 0.8), TimeSpan.FromMinutes(minutes * 1.2));
            time.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal((MailboxSyncState.Failing, failure), (sync.Status.Current.State, sync.Status.Current.Failures));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await stop.CancelAsync();
        await running;

        Assert.All(failures, f => Assert.Contains("Authentication failed", f.Error, StringComparison.Ordinal));
        // The third wait passed just before the stop: a fourth attempt may have begun.
        Assert.InRange(failures.Count, 3, 4);
        Assert.Equal(Enumerable.Range(1, failures.Count), failures.Select(f => f.Failures));
        Assert.Empty(_sink.Stored);
    }

    [Fact]
    public async Task Sync_ServerGone_ShowsItAndRetries()
    {
        var settings = new Core.Inbound.ChannelSettings(new Dictionary<string, string>(servers.SettingsFor(servers.NewMailbox("owner")).Values)
        {
            ["imap.port"] = "1", // nothing listens there
        });
        var sync = Sync(settings, new ImapSyncOptions { InitialBackoff = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await sync.RunAsync(stop.Token);

        Assert.Equal(MailboxSyncState.Stopped, sync.Status.Current.State);
        Assert.Contains("refused", sync.Status.Current.Error, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(sync.Status.Current.Failures, 2, 4);
    }

    [Fact]
    public async Task Sync_ServerRestarted_ShowsFailingThenResumesAndCatchesUp()
    {
        var owner = servers.NewMailbox("owner");
        await servers.AppendAsync(owner, "INBOX", Mails(3, owner));
        var sync = Sync(servers.SettingsFor(owner), new ImapSyncOptions { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1) });
        using var stop = new CancellationTokenSource();
        var running = sync.RunAsync(stop.Token);
        await MailServers.WaitUntilAsync(() => sync.Status.Current is { State: MailboxSyncState.Idle, Done: 3 }, () => $"the initial sync ({sync.Status.Current})");

        try
        {
            await servers.StopDovecotAsync();
            // Dovecot tells idling clients "BYE Server shutting down." only about 10 s after SIGTERM.
            await MailServers.WaitUntilAsync(() => sync.Status.Current.State == MailboxSyncState.Failing, () => $"the failure to show ({sync.Status.Current})", seconds: 30);
        }
        finally
        {
            await servers.StartDovecotAgainAsync();
        }
        await servers.SendAsync(Corpus.Mail(subject: "While it was down", to: owner));
        await MailServers.WaitUntilAsync(() => _sink.Stored.Count == 4, () => $"the mail sent meanwhile ({sync.Status.Current})");
        await stop.CancelAsync();
        await running;

        Assert.Equal(4, _sink.Calls); // resumed from the checkpoint: the first three were not fetched again
    }

    [Fact]
    public async Task Sync_50MbMessage_StreamsToTheSinkInPieces()
    {
        var owner = servers.NewMailbox("owner");
        var directory = Directory.CreateTempSubdirectory("liaison-large-");
        try
        {
            var path = LargeMail.Write(directory.FullName, to: owner);
            using (var file = File.OpenRead(path))
            using (var mail = MimeMessage.Load(file, persistent: true))
            {
                await servers.AppendAsync(owner, "INBOX", [mail]);
            }
            var sink = new MeasuringSink();
            var sync = new ImapSync(ChannelId, EmailSettings.From(servers.SettingsFor(owner)), sink, _checkpoints);
            var baseline = GC.GetTotalMemory(forceFullCollection: true);

            var handed = await sync.SyncOnceAsync(TestContext.Current.CancellationToken);

            Assert.Equal(1, handed);
            Assert.InRange(sink.Bytes, new FileInfo(path).Length - 1024, new FileInfo(path).Length + 1024 * 1024);
            var peak = sink.PeakLiveBytes - baseline;
            Assert.True(peak < 16 * 1024 * 1024, $"{peak / 1024 / 1024} MB live while a 68 MB message passed through");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
