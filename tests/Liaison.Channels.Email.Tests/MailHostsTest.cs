using System.Net;
using System.Net.Sockets;
using System.Text;
using Liaison.Core;
using Liaison.Core.Inbound;
using MimeKit;
using NodaTime;

namespace Liaison.Channels.Email.Tests;

/// <summary>Where a mailbox may point, and what its status says when the peer is not a mail server.</summary>
public sealed class MailHostsTest
{
    private const string Banner = "SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n";

    private static ChannelSettings Settings(string host, int port = 993, string? smtpHost = null) => new(new Dictionary<string, string>
    {
        ["address"] = "owner@example.test",
        ["user"] = "owner@example.test",
        ["password"] = "secret",
        ["imap.host"] = host,
        ["imap.port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["imap.tls"] = "none",
        ["smtp.host"] = smtpHost ?? host,
        ["smtp.port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["smtp.tls"] = "none",
    });

    /// <summary>A TCP port on 127.0.0.1 that answers every connection with an SSH banner and then waits, as sshd does.</summary>
    private sealed class FakeSsh : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public FakeSsh()
        {
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task ServeAsync()
        {
            var open = new List<TcpClient>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    open.Add(client);
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Banner), _stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            finally
            {
                foreach (var client in open) client.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task Sync_AgainstAnSshPort_ShowsAPlainSentence_NotThePeersBytes()
    {
        await using var ssh = new FakeSsh();
        var sync = new ImapSync(1, EmailSettings.From(Settings("127.0.0.1", ssh.Port)), new RecordingSink(), new InMemoryMailboxCheckpoints(),
            new ImapSyncOptions { CommandTimeout = TimeSpan.FromSeconds(10) });

        await Assert.ThrowsAnyAsync<Exception>(() => sync.SyncOnceAsync(TestContext.Current.CancellationToken));

        Assert.Equal(MailboxSyncState.Failing, sync.Status.Current.State);
        Assert.Equal($"The server at 127.0.0.1:{ssh.Port} did not answer as an IMAP server.", sync.Status.Current.Error);
    }

    [Fact]
    public async Task Send_ToAnSshPort_FailsWithAPlainSentence_NotThePeersBytes()
    {
        await using var ssh = new FakeSsh();
        var sender = new SmtpSender(SystemClock.Instance);
        var draft = new EmailDraft([new MailboxAddress("Anna", "anna@client.test")], "Hello", "Text");

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() =>
            sender.SendAsync(EmailSettings.From(Settings("127.0.0.1", ssh.Port)), draft, TestContext.Current.CancellationToken));

        Assert.Equal($"The server at 127.0.0.1:{ssh.Port} did not answer as an SMTP server.", failure.Message);
        Assert.DoesNotContain("SSH", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.10.1")]
    [InlineData("fe80::1")]
    [InlineData("[fe80::1]")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("metadata.google.internal")]
    [InlineData("Metadata.Google.Internal.")]
    public void Settings_WithALinkLocalOrMetadataHost_AreRefusedOnTheirField(string host)
    {
        var imap = Assert.Throws<DomainRuleException>(() => EmailSettings.From(Settings(host, smtpHost: "smtp.example.test")));
        var smtp = Assert.Throws<DomainRuleException>(() => EmailSettings.From(Settings("imap.example.test", smtpHost: host)));

        Assert.Equal("imap.host", imap.Field);
        Assert.Equal("smtp.host", smtp.Field);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.10")]
    [InlineData("172.16.0.2")]
    [InlineData("mail.example.com")]
    public void Settings_WithLoopbackPrivateOrPublicHosts_AreAccepted(string host)
    {
        Assert.Equal(host, EmailSettings.From(Settings(host)).Imap.Host);
    }

    [Fact]
    public async Task Sync_ToAMetadataAddressGivenPastTheSettingsCheck_IsRefusedAtConnectTime()
    {
        // A MailServer made directly skips EmailSettings' check: the connection refuses the resolved address itself.
        var settings = EmailSettings.From(Settings("127.0.0.1")) with { Imap = new MailServer("169.254.169.254", 993, MailTls.None, "u", "p") };
        var sync = new ImapSync(1, settings, new RecordingSink(), new InMemoryMailboxCheckpoints());

        await Assert.ThrowsAsync<MailConnectionException>(() => sync.SyncOnceAsync(TestContext.Current.CancellationToken));

        Assert.Contains("link-local or cloud metadata address (169.254.169.254)", sync.Status.Current.Error, StringComparison.Ordinal);
    }
}
