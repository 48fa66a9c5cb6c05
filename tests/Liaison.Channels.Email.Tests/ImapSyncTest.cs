using Liaison.Core.Messages;
using MailKit;
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

    private ImapSync Sync(Core.Inbound.ChannelSettings settings, ImapSyncOptions? options = null) =>
        new(ChannelId, EmailSettings.From(settings), _sink, _checkpoints, options ?? new ImapSyncOptions());

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

    [Fact]
    public async Task Sync_ResumesFromCheckpoint_WithoutDuplicates()
    {
        var owner = servers.NewMailbox("owner");
        var settings = servers.SettingsFor(owner);
        await servers.AppendAsync(owner, "INBOX", Mails(20, owner));
        var options = new ImapSyncOptions { BatchSize = 5 };
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
        await Task.Delay(1100); // Dovecot derives UIDVALIDITY from the clock's seconds
        await servers.AppendAsync(owner, "Archive", [.. mails, MimeMessage.Load(new MemoryStream(withoutId)), Corpus.Mail(subject: "New one", to: owner)]);
        var handed = await Sync(settings).SyncOnceAsync(TestContext.Current.CancellationToken);
        var after = await _checkpoints.GetAsync(ChannelId, "Archive", TestContext.Current.CancellationToken);

        Assert.NotEqual(before!.UidValidity, after!.UidValidity);
        Assert.Equal(7, handed); // the renumbered folder is read again from the start
        // Deliveries with a Message-ID are stored once; the one without has a new key (its new UID),
        // and the pipeline's (channel, ProviderMessageId) rule makes it one message again.
        Assert.Equal(8, _sink.Stored.Count);
        Assert.Equal(7, _sink.Messages(settings).Count);
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
    public async Task Sync_WrongPassword_FailsWithTheServersWordsAndBacksOff()
    {
        var owner = servers.NewMailbox("owner");
        var sync = Sync(servers.SettingsFor(owner, password: "wrong"),
            new ImapSyncOptions { InitialAuthenticationBackoff = TimeSpan.FromMilliseconds(300), InitialBackoff = TimeSpan.FromHours(1) });
        var failures = new List<MailboxSyncSnapshot>();
        sync.Status.Changed += s =>
        {
            if (s.State == MailboxSyncState.Failing) lock (failures) failures.Add(s);
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));

        await sync.RunAsync(stop.Token);

        // Waits of 0.3, 0.6, 1.2, 2.4 s (±20 %): a handful of attempts in 4 s, each waiting longer, not a storm.
        Assert.InRange(failures.Count, 2, 5);
        Assert.All(failures, f => Assert.Contains("Authentication failed", f.Error, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, failures.Count), failures.Select(f => f.Failures));
        Assert.All(failures.Zip(failures.Skip(1)), pair => Assert.True(pair.Second.RetryIn > pair.First.RetryIn * 1.3, "the wait grows with each failure"));
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
