using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Liaison.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>
/// The queue, the owner's home page: quiet between check windows (only how many wait and when the
/// next window opens), every waiting message by promised time once the owner looks, and worked
/// from the keyboard: move, mark "no answer needed", reply and come back.
/// </summary>
public sealed class QueuePageTests(GraphApiLiaisonApp app) : IClassFixture<GraphApiLiaisonApp>
{
    private const string AppSecret = "meta-app-secret-for-the-queue";

    [Fact]
    public async Task Queue_BetweenCheckWindowsShowsOnlyTheCount_ThenIsWorkedFromTheKeyboard()
    {
        var ct = TestContext.Current.CancellationToken;
        // The test runs at any real hour: the check windows are set six hours from now, every day, so now is between them.
        var next = DateTime.UtcNow.AddHours(6);
        await SetCheckWindowAsync(new TimeOnly(next.Hour, next.Minute / 10 * 10));
        var channelId = await ConnectAsync();
        var zielinska = await CreateClientAsync("Zielińska Design", "Marta Zielińska", "+48 603 456 789");
        var petrov = await CreateClientAsync("Petrov Consulting", "Ivan Petrov", "+359 88 123 4567");
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("48603456789", "Marta Z.", "wamid.q-1", "Czy faktura za listopad jest gotowa?", DateTimeOffset.UtcNow.AddMinutes(-20)));
        await PostDeliveryAsync(channelId, WhatsAppDeliveries.Text("359881234567", "Ivan", "wamid.q-2", "Благодаря, всичко е наред.", DateTimeOffset.UtcNow.AddMinutes(-5)));

        // The client list says what waits and where each client is.
        var page = await app.SignedInPageAsync("/clients");
        await NewUserTests.WaitReadyAsync(page, "clients-page");
        var row = page.GetByTestId("client-row").Filter(new() { HasText = "Zielińska Design" });
        await Expect(row.GetByTestId("client-waiting")).ToContainTextAsync("1 waiting", new() { Timeout = 30_000 });
        await Expect(row.GetByTestId("client-zone")).ToContainTextAsync(new Regex(@"^Warsaw · \d\d:\d\d, "));
        await Expect(row.GetByTestId("channel-badge")).ToHaveAttributeAsync("data-channel", "whatsapp");
        await Screens.CaptureAsync(page, "client-list-glance");

        await page.GotoAsync("/");
        await NewUserTests.WaitReadyAsync(page, "queue-page");
        await Expect(page.GetByTestId("queue-page")).ToHaveAttributeAsync("data-focus", "quiet");
        await Expect(page.GetByTestId("waiting-count")).ToHaveTextAsync("2", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("next-window")).ToContainTextAsync("Next check window");
        // Focus mode shows no content that pulls attention: no names, no snippets.
        await Expect(page.GetByText("Czy faktura")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("queue-item")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("queue-count")).ToHaveTextAsync("2");
        await Screens.CaptureAsync(page, "queue-focus");

        await page.GetByTestId("peek").ClickAsync();
        var items = page.GetByTestId("queue-item");
        await Expect(items).ToHaveCountAsync(2);
        // By promised time: the older message is due first.
        await Expect(items.Nth(0)).ToContainTextAsync("Zielińska Design");
        await Expect(items.Nth(0)).ToContainTextAsync("Czy faktura za listopad jest gotowa?");
        await Expect(items.Nth(0).GetByTestId("time-left")).ToHaveTextAsync(new Regex("(left|overdue)$"));
        await Expect(items.Nth(0).GetByTestId("client-time")).ToContainTextAsync(new Regex(@"\d\d:\d\d"));
        await Expect(items.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");
        await Screens.CaptureAsync(page, "queue-open");

        // J moves down; D says the thank-you needs no answer: it leaves the queue.
        await page.Keyboard.PressAsync("j");
        await Expect(items.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("d");
        await Expect(page.GetByTestId("queue-done")).ToContainTextAsync("needing no answer");
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items.Nth(0)).ToHaveAttributeAsync("data-client", zielinska.ToString(CultureInfo.InvariantCulture));

        // R opens the client page with the composer replying to that message; the sent reply leads back to the queue, now empty.
        await page.Keyboard.PressAsync("r");
        await Expect(page).ToHaveURLAsync(new Regex($"/clients/{zielinska}\\?reply="));
        var composer = page.GetByTestId("composer");
        await Expect(composer.GetByTestId("composer-reply-to")).ToContainTextAsync("Marta Zielińska");
        await Expect(page.GetByTestId("timeline-item").Filter(new() { HasText = "Czy faktura" }).GetByTestId("promise")).ToContainTextAsync("answer by");
        await composer.GetByTestId("composer-text").FillAsync("Dzień dobry, tak, wysyłam ją dziś.");
        await ComposerSteps.SendNowAsync(composer);
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await NewUserTests.WaitReadyAsync(page, "queue-page");
        // Nothing waits any more, so there is nothing for focus mode to hide.
        await Expect(page.GetByTestId("queue-empty")).ToContainTextAsync("Nothing waits", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("queue-count")).ToHaveCountAsync(0);
        var sent = await WaitForAsync(() => app.Graph.Sent.FirstOrDefault(m => m.Text?.Contains("wysyłam", StringComparison.Ordinal) == true));
        Assert.Equal("wamid.q-1", sent.ContextMessageId);

        // The answered message shows how its promise ended on the client's timeline.
        await page.GotoAsync($"/clients/{zielinska}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("timeline-item").Filter(new() { HasText = "Czy faktura" }).GetByTestId("promise")).ToHaveAttributeAsync("data-state", "kept");
        await page.GotoAsync($"/clients/{petrov}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("timeline-item").Filter(new() { HasText = "Благодаря" }).GetByTestId("promise")).ToHaveAttributeAsync("data-state", "noanswerneeded");
    }

    private async Task SetCheckWindowAsync(TimeOnly at)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var calendar = (await http.GetFromJsonAsync<JsonObject>("/api/calendar", ct))!;
        calendar["timeZone"] = "Etc/UTC";
        var windows = new JsonObject();
        foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" })
            windows[day] = new JsonArray(at.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        calendar["checkWindows"] = windows;
        var saved = await http.PutAsJsonAsync("/api/calendar", calendar, ct);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(ct));
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
