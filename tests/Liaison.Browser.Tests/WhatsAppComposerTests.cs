using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>A server whose WhatsApp channels talk to a local Graph API that answers as Meta documents it.</summary>
public sealed class GraphApiLiaisonApp : SetUpLiaisonApp
{
    public FakeGraphApi Graph { get; private set; } = default!;

    protected override async Task PrepareAsync()
    {
        Graph = await FakeGraphApi.StartAsync("EAAG-browser-token");
        await base.PrepareAsync();
    }

    protected override void AddEnvironment(IDictionary<string, string?> environment) =>
        environment["Liaison__WhatsApp__GraphApiBase"] = Graph?.Base.ToString();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Graph is not null) await Graph.DisposeAsync();
    }
}

/// <summary>Replying on WhatsApp from the client page: the composer shows when the 24-hour window closes, and offers the approved templates once it has.</summary>
public sealed class WhatsAppComposerTests(GraphApiLiaisonApp app) : IClassFixture<GraphApiLiaisonApp>
{
    private const string AppSecret = "meta-app-secret-for-composer";

    [Fact]
    public async Task Composer_WhenTheWindowClosesWhileOpen_SwitchesFromTheTextBoxToTheApprovedTemplates_AndSendsOne()
    {
        app.Graph.AddTemplate("invoice_ready", "pl", "Dzień dobry {{1}}, faktura {{2}} jest gotowa do pobrania.");
        app.Graph.AddTemplate("call_back", "en_US", "Hello {{1}}, we will call you back today.");
        var channelId = await ConnectAsync();
        var clientId = await CreateClientAsync("Zielińska Design", "Marta Zielińska", "+48 603 456 789");
        // The client wrote 23 h 59 min 45 s ago: the window is open for a few more seconds.
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("48603456789", "Marta Z.", "wamid.window-1", "Czy faktura za listopad jest gotowa?",
            DateTimeOffset.UtcNow.AddHours(-24).AddSeconds(15)));

        var page = await app.SignedInPageAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        var received = page.GetByTestId("timeline-item").Filter(new() { HasText = "Czy faktura za listopad jest gotowa?" });
        await received.GetByTestId("reply").ClickAsync();
        var composer = page.GetByTestId("composer");
        await Expect(composer.GetByTestId("reply-window")).ToHaveAttributeAsync("data-state", "open");
        await Expect(composer.GetByTestId("reply-window")).ToContainTextAsync("reply window is open until");
        await Expect(composer.GetByTestId("composer-text")).ToBeVisibleAsync();
        // A chat has no subject line.
        await Expect(composer.GetByTestId("composer-subject")).ToHaveCountAsync(0);
        await Screens.CaptureAsync(page, "whatsapp-composer-open");

        // The window closes while the composer is open: the text box gives way to the templates.
        await Expect(composer.GetByTestId("reply-templates")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(composer.GetByTestId("composer-text")).ToHaveCountAsync(0);
        await Expect(composer.GetByTestId("reply-window")).ToContainTextAsync("only an approved template can go");
        await composer.GetByTestId("template-choice").SelectOptionAsync(new SelectOptionValue { Label = "invoice_ready (pl)" });
        var values = composer.GetByTestId("template-value");
        await Expect(values).ToHaveCountAsync(2);
        await values.Nth(0).FillAsync("Pani Marto");
        await values.Nth(1).FillAsync("FV/11/2026");
        await Expect(composer.GetByTestId("template-preview")).ToHaveTextAsync("Dzień dobry Pani Marto, faktura FV/11/2026 jest gotowa do pobrania.");
        await Screens.CaptureAsync(page, "whatsapp-composer-templates");

        await composer.GetByTestId("template-send").ClickAsync();
        await Expect(composer).ToHaveCountAsync(0);
        var sent = page.GetByTestId("timeline-item").Filter(new() { HasText = "faktura FV/11/2026 jest gotowa" });
        await Expect(sent).ToHaveAttributeAsync("data-side", "out");
        var posted = await WaitForAsync(() => app.Graph.Sent.FirstOrDefault(m => m.TemplateName == "invoice_ready"));
        Assert.Equal(("48603456789", "pl", "wamid.window-1"), (posted.To, posted.TemplateLanguage, posted.ContextMessageId));
        Assert.Equal(["Pani Marto", "FV/11/2026"], posted.TemplateValues);
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (probe() is not { } found)
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the send to reach the Graph API");
            await Task.Delay(50);
        }
        return probe()!;
    }

    private async Task<long> ConnectAsync()
    {
        using var http = Api();
        var created = await http.PostAsJsonAsync("/api/channels", new
        {
            kind = "whatsapp", name = "Studio WhatsApp",
            settings = new Dictionary<string, string>
            {
                ["appSecret"] = AppSecret, ["verifyToken"] = "verify-me", ["accessToken"] = app.Graph.Token,
                ["phoneNumberId"] = "106540352242922", ["businessAccountId"] = "102290129340398",
            },
        }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetInt64();
    }

    private async Task<long> CreateClientAsync(string client, string contact, string phone)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var created = await http.PostAsJsonAsync("/api/clients", new { name = client }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var added = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new { name = contact, identities = new[] { new { kind = "whatsapp", address = phone } } }, ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return clientId;
    }

    private async Task PostDeliveryAsync(long channelId, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{channelId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WhatsAppDeliveries.SignatureHeader, WhatsAppDeliveries.Sign(body, AppSecret));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        return http;
    }
}
