using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Liaison.Core.Inbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

// The mail tests share one Dovecot and measure memory; running them one at a time keeps both honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Liaison.Testing;

/// <summary>
/// A real Dovecot (IMAP + LMTP) and a real Postfix (SMTP, relaying everything to that Dovecot over
/// LMTP), started as processes of this test run on free loopback ports, with all their state in a
/// temporary directory, and stopped at the end. Needs root (Postfix's master and Dovecot switch
/// users) and the Debian packages dovecot-imapd, dovecot-lmtpd and postfix (test.sh installs them).
/// </summary>
/// <remarks>
/// Postfix only starts an instance whose configuration directory is listed in
/// <c>alternate_config_directories</c> of /etc/postfix/main.cf, so that list names a few fixed
/// directories (/tmp/liaison-postfix-N), added once; a run takes the first one nobody holds the lock of.
/// </remarks>
public sealed class MailServers : IAsyncLifetime
{
    public const string Password = "secret";
    public const string Domain = "example.test";
    // One per test run on the machine at once (parallel worktrees, a benchmark next to the tests).
    private const int PostfixSlots = 8;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "liaison-mail-" + Guid.NewGuid().ToString("N")[..12]);
    private FileStream? _postfixLock;
    private string? _postfixConfig;
    private int _mailboxes;

    public int ImapPort { get; private set; }
    public int SmtpPort { get; private set; }
    public int LmtpPort { get; private set; }
    public string DovecotLog => Path.Combine(_root, "dovecot.log");
    private string DovecotConfig => Path.Combine(_root, "dovecot.conf");
    private string Users => Path.Combine(_root, "users");

    public async ValueTask InitializeAsync()
    {
        foreach (var tool in new[] { "/usr/sbin/dovecot", "/usr/sbin/postfix", "/usr/sbin/postconf" })
            if (!File.Exists(tool)) throw new InvalidOperationException($"{tool} is missing: install dovecot-imapd, dovecot-lmtpd and postfix (test.sh does).");
        if (Environment.UserName != "root") throw new InvalidOperationException("The mail tests start Dovecot and Postfix and must run as root.");

        Directory.CreateDirectory(_root);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101); // Dovecot's users must get in
        ImapPort = FreePort();
        LmtpPort = FreePort();
        SmtpPort = FreePort();
        await StartDovecotAsync();
        await StartPostfixAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postfixConfig is not null) await RunAsync("/bin/sh", $"-c \"/usr/sbin/postfix -c {_postfixConfig} stop </dev/null >/dev/null 2>&1\"", check: false);
        await StopDovecotAsync();
        if (_postfixLock is not null) await _postfixLock.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops Dovecot (the "server gone" case); <see cref="StartDovecotAgainAsync"/> brings it back on the same ports with the same mail.</summary>
    public async Task StopDovecotAsync()
    {
        var pidFile = Path.Combine(_root, "run", "master.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            // SIGTERM: the master stops its children and removes its sockets.
            await RunAsync("/bin/kill", $"-TERM {pid}", check: false);
            for (var i = 0; i < 50 && ProcessExists(pid); i++) await Task.Delay(100);
        }
    }

    public async Task StartDovecotAgainAsync()
    {
        await StartDaemonAsync("/usr/sbin/dovecot", $"-c {DovecotConfig}", "dovecot-again");
        await WaitForPortAsync(ImapPort, "Dovecot IMAP", DovecotLog);
    }

    /// <summary>A new, empty mailbox user (INBOX, Sent, Drafts) with password <see cref="Password"/>.</summary>
    public string NewMailbox(string name)
    {
        var address = $"{name}-{Interlocked.Increment(ref _mailboxes)}@{Domain}";
        // One passwd-file per user: Dovecot re-reads a changed passwd-file by its mtime, in whole
        // seconds, so a second user added to a shared file within the same second stayed unknown.
        File.WriteAllText(Path.Combine(Users, address), $"{address}:{{PLAIN}}{Password}\n");
        return address;
    }

    /// <summary>
    /// An address Postfix refuses for good at RCPT TO, in Postfix's own words:
    /// "550 5.1.1 &lt;address&gt;: Recipient address rejected: User unknown". Its mailbox can still be
    /// opened (password <see cref="Password"/>), to see that nothing arrived, and it can send.
    /// </summary>
    public string RefusedAddress(string name) => NewMailbox("refused-" + name);

    /// <summary>An address Postfix refuses for now at RCPT TO (450 4.2.1), as greylisting or a full mailbox would.</summary>
    public string DeferredAddress(string name) => $"deferred-{name}-{Interlocked.Increment(ref _mailboxes)}@{Domain}";

    /// <summary>A subject containing this makes Postfix refuse the whole mail after DATA (550 5.7.1), as a content filter would.</summary>
    public const string RefusedContentMark = "[refused-content]";

    /// <summary>Channel settings for a mailbox on these servers, as the server would hand them to the channel.</summary>
    public ChannelSettings SettingsFor(string address, string password = Password, string? folders = null, string? aliases = null)
    {
        var values = new Dictionary<string, string>
        {
            ["address"] = address,
            ["user"] = address,
            ["password"] = password,
            ["imap.host"] = "127.0.0.1",
            ["imap.port"] = ImapPort.ToString(),
            ["imap.tls"] = "none",
            ["smtp.host"] = "127.0.0.1",
            ["smtp.port"] = SmtpPort.ToString(),
            ["smtp.tls"] = "none",
        };
        if (folders is not null) values["folders"] = folders;
        if (aliases is not null) values["aliases"] = aliases;
        return new ChannelSettings(values);
    }

    /// <summary>Sends through the real Postfix, which delivers over LMTP to Dovecot.</summary>
    public async Task SendAsync(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    public async Task<ImapClient> OpenImapAsync(string address)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(address, Password);
        return client;
    }

    /// <summary>Puts messages straight into a folder (IMAP APPEND), creating it when missing: quick seeding.</summary>
    public async Task AppendAsync(string address, string folder, IEnumerable<MimeMessage> messages)
    {
        using var client = await OpenImapAsync(address);
        var target = await FolderAsync(client, folder, create: true);
        foreach (var message in messages)
            await target.AppendAsync(new AppendRequest(message, MessageFlags.None));
        await client.DisconnectAsync(true);
    }

    /// <summary>
    /// Writes raw bytes into the user's Maildir INBOX as a delivery agent would: the way to get in
    /// what no client would send (headerless garbage), which IMAP APPEND of a MimeMessage can't carry.
    /// </summary>
    public async Task DropIntoInboxAsync(string address, byte[] raw)
    {
        using (var client = await OpenImapAsync(address))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly); // makes the Maildir
        }
        var maildir = Path.Combine(_root, "mail", address);
        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.M{Guid.NewGuid():N}.liaison-test";
        var temporary = Path.Combine(maildir, "tmp", name);
        await File.WriteAllBytesAsync(temporary, raw);
        await RunAsync("/bin/chown", $"dovecot:dovecot {temporary}");
        File.Move(temporary, Path.Combine(maildir, "new", name));
    }

    /// <summary>
    /// Many raw messages into the user's Maildir INBOX at once (a benchmark's mailbox of thousands):
    /// written to tmp/, handed to Dovecot's user in one chown, then moved into new/.
    /// </summary>
    public async Task<long> DropIntoInboxAsync(string address, IEnumerable<byte[]> raws)
    {
        using (var client = await OpenImapAsync(address))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly); // makes the Maildir
        }
        var maildir = Path.Combine(_root, "mail", address);
        var batch = Path.Combine(maildir, "tmp", "bulk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(batch);
        var names = new List<string>();
        long bytes = 0;
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var raw in raws)
        {
            var name = $"{stamp}.M{names.Count:D7}P{Environment.ProcessId}.liaison-bench";
            await File.WriteAllBytesAsync(Path.Combine(batch, name), raw);
            names.Add(name);
            bytes += raw.Length;
        }
        await RunAsync("/bin/chown", $"-R dovecot:dovecot {batch}");
        foreach (var name in names) File.Move(Path.Combine(batch, name), Path.Combine(maildir, "new", name));
        Directory.Delete(batch);
        return bytes;
    }

    public static async Task<IMailFolder> FolderAsync(ImapClient client, string folder, bool create = false)
    {
        if (folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase)) return client.Inbox;
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var existing = (await root.GetSubfoldersAsync()).FirstOrDefault(f => f.Name == folder);
        if (existing is not null) return existing;
        if (!create) throw new InvalidOperationException($"no folder {folder}");
        return await root.CreateAsync(folder, isMessageFolder: true) ?? throw new InvalidOperationException($"could not create {folder}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 15) => WaitUntilAsync(condition, () => what, seconds);

    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, double seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Timed out after {seconds}s waiting for {what()}.");
            await Task.Delay(50);
        }
    }

    private async Task StartDovecotAsync()
    {
        var mail = Path.Combine(_root, "mail");
        Directory.CreateDirectory(mail);
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(_root, "state"));
        Directory.CreateDirectory(Users);
        await RunAsync("/bin/chown", $"dovecot:dovecot {mail}");
        File.WriteAllText(DovecotConfig, $$"""
            # Liaison test instance: loopback only, no TLS, everything under {{_root}}.
            protocols = imap lmtp
            listen = 127.0.0.1
            base_dir = {{_root}}/run
            state_dir = {{_root}}/state
            instance_name = liaison-test-{{ImapPort}}
            log_path = {{DovecotLog}}
            info_log_path = {{DovecotLog}}
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            # Dovecot answers a wrong password after up to 2 s and then slows every login from the
            # IP (anvil's auth penalty, up to 15 s); the backoff test measures ours, not those.
            auth_failure_delay = 0
            mail_location = maildir:{{mail}}/%u
            mail_uid = dovecot
            mail_gid = dovecot
            first_valid_uid = 1
            default_internal_user = dovecot
            default_login_user = dovenull
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{Users}}/%u
            }
            # Every address has a mailbox, so Postfix can deliver to a user before its first login.
            userdb {
              driver = static
              args = uid=dovecot gid=dovecot home={{mail}}/%u allow_all_users=yes
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{LmtpPort}}
              }
              unix_listener lmtp {
                mode = 0600
              }
            }
            namespace inbox {
              inbox = yes
              separator = /
              mailbox Sent {
                special_use = \Sent
                auto = subscribe
              }
              mailbox Drafts {
                special_use = \Drafts
                auto = subscribe
              }
            }
            service anvil {
              unix_listener anvil-auth-penalty {
                mode = 0
              }
            }
            protocol lmtp {
              postmaster_address = postmaster@{{Domain}}
            }
            """);
        await StartDaemonAsync("/usr/sbin/dovecot", $"-c {DovecotConfig}", "dovecot");
        await WaitForPortAsync(ImapPort, "Dovecot IMAP", DovecotLog);
        await WaitForPortAsync(LmtpPort, "Dovecot LMTP", DovecotLog);
    }

    private async Task StartPostfixAsync()
    {
        await AuthorisePostfixSlotsAsync();
        for (var slot = 0; slot < PostfixSlots && _postfixLock is null; slot++)
        {
            try
            {
                _postfixLock = new FileStream($"/tmp/liaison-postfix-{slot}.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                _postfixConfig = $"/tmp/liaison-postfix-{slot}";
            }
            catch (IOException)
            {
            }
        }
        if (_postfixConfig is null) throw new InvalidOperationException($"All {PostfixSlots} Postfix test slots are in use.");
        // A run that crashed may have left its instance running in this slot.
        if (File.Exists(Path.Combine(_postfixConfig, "main.cf"))) await RunAsync("/bin/sh", $"-c \"/usr/sbin/postfix -c {_postfixConfig} stop </dev/null >/dev/null 2>&1\"", check: false);

        Directory.CreateDirectory(_postfixConfig);
        var queue = Path.Combine(_root, "postfix-queue");
        var data = Path.Combine(_root, "postfix-data");
        Directory.CreateDirectory(queue);
        Directory.CreateDirectory(data);
        await RunAsync("/bin/chown", $"postfix {data}");
        var log = Path.Combine(_root, "postfix.log");
        var lmtp = $"lmtp:inet:127.0.0.1:{LmtpPort}";
        File.WriteAllText(Path.Combine(_postfixConfig, "main.cf"), $"""
            # Liaison test instance (written by MailServers.cs on each run).
            compatibility_level = 3.6
            queue_directory = {queue}
            data_directory = {data}
            mail_owner = postfix
            setgid_group = postdrop
            syslog_name = postfix-liaison-test
            maillog_file = {log}
            maillog_file_prefixes = /tmp
            myhostname = liaison-test.localdomain
            mydomain = localdomain
            myorigin = $myhostname
            mydestination =
            inet_interfaces = loopback-only
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject
            default_transport = {lmtp}
            relay_transport = {lmtp}
            local_transport = {lmtp}
            virtual_transport = {lmtp}
            alias_maps =
            alias_database =
            smtputf8_enable = no
            message_size_limit = 0
            mailbox_size_limit = 0
            # Refusals on demand: RefusedAddress, DeferredAddress, RefusedContentMark.
            smtpd_recipient_restrictions = check_recipient_access regexp:{_postfixConfig}/recipient_access
            header_checks = regexp:{_postfixConfig}/header_checks
            """);
        File.WriteAllText(Path.Combine(_postfixConfig, "recipient_access"), """
            /^refused-[^@]*@/    550 5.1.1 User unknown
            /^deferred-[^@]*@/   450 4.2.1 Mailbox busy, try again later
            """);
        File.WriteAllText(Path.Combine(_postfixConfig, "header_checks"), """
            /^Subject:.*\[refused-content\]/   REJECT 5.7.1 Message content rejected
            """);
        File.WriteAllText(Path.Combine(_postfixConfig, "master.cf"), $"""
            # service   type  private unpriv chroot wakeup maxproc command
            127.0.0.1:{SmtpPort} inet n - n - - smtpd
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            lmtp      unix  -       -       n       -       -       lmtp
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd
            """);
        await StartDaemonAsync("/usr/sbin/postfix", $"-c {_postfixConfig} start", "postfix");
        await WaitForPortAsync(SmtpPort, "Postfix SMTP", log);
    }

    /// <summary>Lists the slot directories in the system main.cf once (creating it when the package left none).</summary>
    private static async Task AuthorisePostfixSlotsAsync()
    {
        const string mainCf = "/etc/postfix/main.cf";
        var slots = Enumerable.Range(0, PostfixSlots).Select(i => $"/tmp/liaison-postfix-{i}").ToList();
        if (!File.Exists(mainCf))
            File.WriteAllText(mainCf, "# created by Liaison's mail tests; the system Postfix is not configured\ncompatibility_level = 3.6\n");
        var current = (await RunAsync("/usr/sbin/postconf", "-c /etc/postfix -h alternate_config_directories"))
            .Split([' ', ',', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        if (slots.All(current.Contains)) return;
        var all = string.Join(' ', current.Concat(slots.Except(current)));
        await RunAsync("/usr/sbin/postconf", $"-c /etc/postfix -e \"alternate_config_directories = {all}\"");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, string what, string log)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        var tail = File.Exists(log) ? File.ReadAllText(log) : "(no log)";
        throw new InvalidOperationException($"{what} did not listen on {port}. Log:\n{tail}");
    }

    /// <summary>True while the process runs; a zombie (exited, not yet reaped by whoever adopted the daemon) counts as gone.</summary>
    private static bool ProcessExists(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Starts a daemon with its output in a file: a daemon inherits a pipe and would hold it open, and ReadToEnd would never end.</summary>
    private async Task StartDaemonAsync(string file, string arguments, string what)
    {
        var output = Path.Combine(_root, what + ".start.log");
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec {file} {arguments} </dev/null >{output} 2>&1"]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {File.ReadAllText(output)}");
    }

    private static async Task<string> RunAsync(string file, string arguments, bool check = true)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await error}{await output}");
        return await output;
    }
}
