using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

public sealed class UnknownSenderTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task UnknownSender_BecomesAClientWithItsMessage()
    {
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var response = await http.PostAsJsonAsync("/api/messages", new
            {
                channel = "email", direction = "inbound", counterpart = "new.person@example.com", counterpartName = "New Person", text = "Hello",
            }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var page = await app.NewPageAsync();
        await page.GotoAsync("/unknown-senders");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await page.GetByLabel("E-mail").FillAsync(SetUpLiaisonApp.OwnerEmail);
        await page.GetByLabel("Password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Back where the sign-in started, with the waiting sender counted in the navigation.
        await Expect(page).ToHaveURLAsync(new Regex("/unknown-senders$"));
        await NewUserTests.WaitReadyAsync(page, "unknown-senders-page");
        await Expect(page.GetByTestId("unknown-count")).ToHaveTextAsync("1");
        var sender = page.GetByTestId("unknown-sender");
        await Expect(sender).ToHaveCountAsync(1);
        await Expect(sender).ToContainTextAsync("New Person");
        await Expect(sender).ToContainTextAsync("new.person@example.com");
        await Expect(sender).ToContainTextAsync("Hello");
        await Screens.CaptureAsync(page, "unknown-senders");

        await sender.GetByTestId("create-client").ClickAsync();
        var form = page.GetByTestId("create-client-form");
        await Expect(form.GetByLabel("Client name")).ToHaveValueAsync("New Person");
        await form.GetByTestId("create-client-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/clients/\d+$"));
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("client-name")).ToContainTextAsync("New Person");
        var item = page.GetByTestId("timeline-item");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToHaveAttributeAsync("data-channel", "email");
        await Expect(item).ToHaveAttributeAsync("data-side", "in");
        await Expect(item.GetByTestId("direction")).ToContainTextAsync("Received");
        await Expect(item.GetByTestId("timeline-text")).ToHaveTextAsync("Hello");
        await Expect(page.GetByTestId("contact")).ToContainTextAsync("new.person@example.com");
        await Expect(page.GetByTestId("unknown-count")).ToHaveCountAsync(0);

        // Settings: a new API token is shown once, next to the one the command line created.
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await NewUserTests.WaitReadyAsync(page, "settings-page");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("zapier");
        await page.GetByTestId("create-token").ClickAsync();
        await Expect(page.GetByTestId("new-token")).ToContainTextAsync("Copy");
        await Expect(page.GetByTestId("token-row")).ToHaveCountAsync(2);
        await Screens.CaptureAsync(page, "settings");
    }
}
