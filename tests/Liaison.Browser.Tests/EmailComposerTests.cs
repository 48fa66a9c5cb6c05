using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>Writing e-mail from the client page: the composer's rules, and a failed send shown with its error and a Retry.</summary>
public sealed class EmailComposerTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task Composer_NoSubjectThenServerDown_ShowsFieldErrorFailedSendRetryAndReply()
    {
        // A mailbox whose servers are not there: composing needs none, sending fails with the SMTP client's words.
        var port = ClosedPort().ToString();
        var clientId = await CreateClientAsync("Nowak Legal", "Anna Nowak", "anna@nowak-legal.test");
        await ConnectMailboxAsync(new Dictionary<string, string>
        {
            ["address"] = "studio@example.test", ["user"] = "studio@example.test", ["password"] = "secret",
            ["imap.host"] = "127.0.0.1", ["imap.port"] = port, ["imap.tls"] = "none",
            ["smtp.host"] = "127.0.0.1", ["smtp.port"] = port, ["smtp.tls"] = "none",
        });

        var page = await SignInAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await page.GetByTestId("new-message").ClickAsync();
        var composer = page.GetByTestId("composer");
        await Expect(composer).ToBeVisibleAsync();
        await composer.GetByTestId("composer-text").FillAsync("The signed contract is attached.");
        await ComposerSteps.SendNowAsync(composer);
        await Expect(composer.GetByText("An e-mail needs a subject.")).ToBeVisibleAsync();

        await composer.GetByTestId("composer-subject").FillAsync("Contract, signed");
        await ComposerSteps.SendNowAsync(composer);
        await Expect(composer).ToHaveCountAsync(0);

        var item = page.GetByTestId("timeline-item").Filter(new() { HasText = "Contract, signed" });
        await Expect(item).ToHaveAttributeAsync("data-side", "out");
        var status = item.GetByTestId("outbox-status");
        await Expect(status).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 15_000 });
        await Expect(status.GetByTestId("outbox-error")).Not.ToBeEmptyAsync();
        // A failure for now is retried by itself; the owner sees when, on their own clock.
        await Expect(status.GetByTestId("outbox-next-attempt")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^retrying at \d\d:\d\d$"));
        await Screens.CaptureAsync(page, "client-email-failed");

        await status.GetByTestId("outbox-retry").ClickAsync();
        // Retried at once: it fails again (the server is still down) and stays on the timeline, never lost.
        await Expect(status).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("timeline-item").Filter(new() { HasText = "Contract, signed" })).ToHaveCountAsync(1);

        // A mail from the client (recorded through the API here): Reply answers it in its thread, subject prefilled.
        await RecordInboundAsync("anna@nowak-legal.test", "Draft contract", "Please check clause 4.");
        var received = page.GetByTestId("timeline-item").Filter(new() { HasText = "Please check clause 4." });
        await received.GetByTestId("reply").ClickAsync();
        await Expect(composer.GetByTestId("composer-subject")).ToHaveValueAsync("Re: Draft contract");
        await composer.GetByTestId("composer-text").FillAsync("Clause 4 is fine.");
        await ComposerSteps.SendNowAsync(composer);
        var reply = page.GetByTestId("timeline-item").Filter(new() { HasText = "Clause 4 is fine." });
        await Expect(reply).ToHaveAttributeAsync("data-side", "out");
        await Expect(reply.GetByTestId("outbox-status")).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 15_000 });
    }

    private async Task RecordInboundAsync(string from, string subject, string text)
    {
        using var http = Api();
        var id = $"{Guid.NewGuid():N}@nowak-legal.test";
        var recorded = await http.PostAsJsonAsync("/api/messages", new
        {
            channel = "email", direction = "inbound", counterpart = from, text, subject, threadKey = id, providerMessageId = id,
        }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
    }

    private Task<IPage> SignInAsync(string path) => app.SignedInPageAsync(path);

    private async Task ConnectMailboxAsync(Dictionary<string, string> settings)
    {
        using var http = Api();
        var created = await http.PostAsJsonAsync("/api/channels", new { kind = "email", name = "Studio mailbox", settings }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<long> CreateClientAsync(string client, string contact, string email)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var created = await http.PostAsJsonAsync("/api/clients", new { name = client }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var added = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new { name = contact, identities = new[] { new { kind = "email", address = email } } }, ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return clientId;
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        return http;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
