using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>Deliveries posted to a channel's webhook while the owner has Liaison open.</summary>
public sealed class LiveInboundTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    private const string AppSecret = "meta-app-secret-for-tests";

    [Fact]
    public async Task LiveTimeline_MessageArrivingByWebhook_AppearsWithoutReload()
    {
        var page = await SignInAsync("/channels");
        var channelId = await ConnectWhatsAppAsync(page, "Studio WhatsApp");
        await ConnectWhatsAppAsync(page, "Old number");
        var old = page.GetByTestId("channel").Filter(new() { HasText = "Old number" });
        await old.GetByTestId("disconnect").ClickAsync();
        await Expect(old.GetByTestId("disconnect-confirm")).ToContainTextAsync("Disconnect Old number?");
        await old.GetByTestId("disconnect-yes").ClickAsync();
        await Expect(old.GetByTestId("channel-status")).ToHaveTextAsync("disconnected");
        await Expect(old.GetByTestId("webhook-url")).ToHaveCountAsync(0);
        await Screens.CaptureAsync(page, "channels");

        var clientId = await CreateClientWithWhatsAppContactAsync("Kowalski Bakery", "Jan Kowalski", "+48 601 234 567");
        await page.GotoAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("timeline-empty")).ToBeVisibleAsync();
        var url = page.Url;

        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("48601234567", "Jan K.", "wamid.live-1", "Are the croissant photos ready?", at));

        var item = page.GetByTestId("timeline-item");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToHaveAttributeAsync("data-channel", "whatsapp");
        await Expect(item).ToHaveAttributeAsync("data-side", "in");
        await Expect(item.GetByTestId("timeline-text")).ToHaveTextAsync("Are the croissant photos ready?");
        await Expect(item).ToContainTextAsync("Jan Kowalski");
        Assert.Equal(url, page.Url);

        // A second one lands on top of the first, still without a reload.
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("48601234567", "Jan K.", "wamid.live-2", "And the menu PDF, when you can.", at.AddSeconds(2)));
        await Expect(item).ToHaveCountAsync(2);
        await Expect(item.First.GetByTestId("timeline-text")).ToHaveTextAsync("And the menu PDF, when you can.");
        await Screens.CaptureAsync(page, "client-whatsapp");

        // Someone who isn't a contact yet: the navigation's count follows on the open page.
        await Expect(page.GetByTestId("unknown-count")).ToHaveCountAsync(0);
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("48700100200", "Stranger", "wamid.live-3", "Hi, do you do wedding cakes?", at));
        await Expect(page.GetByTestId("unknown-count")).ToHaveTextAsync("1");
        await Expect(item).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task LiveTimeline_PhotoThatCouldNotBeFetched_IsShownWithWhyAndARetry()
    {
        var page = await SignInAsync("/channels");
        // Connected without an access token: the photo's bytes can't be fetched from the Graph API.
        var channelId = await ConnectWhatsAppAsync(page, "Photos number");
        var clientId = await CreateClientWithWhatsAppContactAsync("Nowak Studio", "Ewa Nowak", "+48 602 345 678");
        await page.GotoAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");

        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Media("48602345678", "Ewa N.", "wamid.photo-live", "image", "1203958799", "image/jpeg",
            DateTimeOffset.UtcNow.AddSeconds(-5), caption: "The signed contract"));

        var item = page.GetByTestId("timeline-item");
        await Expect(item.GetByTestId("timeline-text")).ToHaveTextAsync("The signed contract");
        var failed = item.GetByTestId("pending-attachment-failed");
        await Expect(failed).ToContainTextAsync("could not be fetched");
        await Expect(failed).ToContainTextAsync("access token");
        await Expect(failed.GetByTestId("retry-fetch")).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "client-media-failed");
    }

    [Fact]
    public async Task Undelivered_UnreadableDelivery_IsShownWithItsPayloadAndRetried()
    {
        var page = await SignInAsync("/channels");
        var channelId = await ConnectWhatsAppAsync(page, "Second number");

        await page.GotoAsync("/undelivered");
        await NewUserTests.WaitReadyAsync(page, "undelivered-page");
        var rows = page.GetByTestId("undelivered");
        var before = await rows.CountAsync();

        // Signed correctly, but not a WhatsApp notification: stored, then refused by the adapter for good.
        await PostDeliveryAsync(channelId, """{"object":"page","entry":[]}""");

        // The open page and the navigation badge follow without a reload.
        await Expect(rows).ToHaveCountAsync(before + 1);
        var row = rows.First;
        await Expect(row.GetByTestId("delivery-state")).ToHaveTextAsync("failed");
        await Expect(row.GetByTestId("attempts")).ToHaveTextAsync("1");
        await Expect(row.GetByTestId("last-error")).ToContainTextAsync("whatsapp_business_account");
        await Expect(row).ToContainTextAsync("Second number");
        await Expect(page.GetByTestId("undelivered-count")).ToHaveTextAsync((before + 1).ToString());
        await Expect(row.GetByTestId("payload")).Not.ToBeVisibleAsync();
        await row.GetByText("Raw delivery").ClickAsync();
        await Expect(row.GetByTestId("payload")).ToContainTextAsync("\"object\": \"page\"");

        await row.GetByTestId("retry").ClickAsync();
        await Expect(row.GetByTestId("retry-outcome")).ToContainTextAsync("still can't be delivered");
        await Expect(rows).ToHaveCountAsync(before + 1);
        await Expect(row.GetByTestId("delivery-state")).ToHaveTextAsync("failed");
        // Retry starts the count afresh (InboundDelivery.Retry), so one more attempt reads 1 again.
        await Expect(row.GetByTestId("attempts")).ToHaveTextAsync("1");
        await Expect(row.GetByTestId("payload")).ToContainTextAsync("\"entry\": []");
        await Screens.CaptureAsync(page, "undelivered");
    }

    private Task<IPage> SignInAsync(string path) => app.SignedInPageAsync(path);

    /// <summary>Connects a channel on the channels page as the owner would; returns its id, read from its webhook URL.</summary>
    private static async Task<long> ConnectWhatsAppAsync(IPage page, string name)
    {
        await NewUserTests.WaitReadyAsync(page, "channels-page");
        await page.GetByTestId("connect-channel").ClickAsync();
        var form = page.GetByTestId("connect-form");
        await form.GetByTestId("kind-whatsapp").ClickAsync();
        await form.GetByTestId("connect-submit").ClickAsync();
        await Expect(form.GetByText("Enter the app secret.")).ToBeVisibleAsync();
        await form.GetByLabel("App secret").FillAsync(AppSecret);
        await form.GetByLabel("Verify token").FillAsync("a phrase for the handshake");
        await form.GetByTestId("connect-submit").ClickAsync();
        // The server's rule, shown on its field.
        await Expect(form.GetByText("A channel needs a name.")).ToBeVisibleAsync();
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByTestId("connect-submit").ClickAsync();

        var channel = page.GetByTestId("channel").Filter(new() { HasText = name });
        await Expect(channel.GetByTestId("channel-status")).ToHaveTextAsync("connected");
        await Expect(channel).ToContainTextAsync("appSecret");
        var url = await channel.GetByTestId("webhook-url").TextContentAsync() ?? "";
        var match = Regex.Match(url, @"^http://127\.0\.0\.1:\d+/hooks/(\d+)$");
        Assert.True(match.Success, $"Webhook URL '{url}' is not an absolute /hooks/{{id}} URL.");
        return long.Parse(match.Groups[1].Value);
    }

    private async Task<long> CreateClientWithWhatsAppContactAsync(string client, string contact, string phone)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var created = await http.PostAsJsonAsync("/api/clients", new { name = client }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var added = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new
        {
            name = contact,
            identities = new[] { new { kind = "whatsapp", address = phone } },
        }, ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return clientId;
    }

    private async Task PostDeliveryAsync(long channelId, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{channelId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WhatsAppDeliveries.SignatureHeader, WhatsAppDeliveries.Sign(body, AppSecret));
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        return http;
    }
}
