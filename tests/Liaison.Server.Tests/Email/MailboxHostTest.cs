using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Liaison.Server.Tests.Email;

/// <summary>Where a mailbox may point, through the API: refused addresses on their field, a non-IMAP peer in plain words.</summary>
public class MailboxHostTest(LiaisonApps apps)
{
    private static Dictionary<string, string> Settings(string imapHost, int port) => new()
    {
        ["address"] = "owner@example.test",
        ["user"] = "owner@example.test",
        ["password"] = "secret",
        ["imap.host"] = imapHost,
        ["imap.port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["imap.tls"] = "none",
    };

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Connect_ToAMetadataAddress_Is400NamingTheField_AndCreatesNothing(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var before = (await (await api.GetAsync("/api/channels")).Json(HttpStatusCode.OK)).AsArray().Count;

        foreach (var host in new[] { "169.254.169.254", "metadata.google.internal", "fe80::1" })
        {
            var problem = await (await api.Post("/api/channels", new { kind = "email", name = "metadata", settings = Settings(host, 80) })).Json(HttpStatusCode.BadRequest);
            Assert.Equal("imap.host", problem["field"]!.GetValue<string>());
        }
        Assert.Equal(before, (await (await api.GetAsync("/api/channels")).Json(HttpStatusCode.OK)).AsArray().Count);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Mailbox_PointedAtAnSshPort_ShowsAPlainSentence_NotTheBanner(DatabaseProvider db)
    {
        var app = await apps.For(db);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var accepted = new List<TcpClient>();
        var serving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await listener.AcceptTcpClientAsync(stop.Token);
                    accepted.Add(client);
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n"), stop.Token);
                }
            }
            catch (OperationCanceledException) { }
        });
        try
        {
            var created = await (await app.Api().Post("/api/channels", new { kind = "email", name = "ssh", settings = Settings("127.0.0.1", port) })).Json(HttpStatusCode.Created);

            var failing = await Eventually.Until(() => Mailbox.StatusAsync(app, created.Id()), s => s?["state"]?.GetValue<string>() == "failing", "the mailbox failing");

            Assert.Equal($"The server at 127.0.0.1:{port} did not answer as an IMAP server.", failing!["error"]!.GetValue<string>());
            await app.Api().DeleteAsync($"/api/channels/{created.Id()}");
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
            foreach (var client in accepted) client.Dispose();
        }
    }
}
