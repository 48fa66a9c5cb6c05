using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

public sealed class AgreementPageTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task AgreementEditor_ChangeFridayContactHoursAndSave_ShowsTheChangeAndPreviewsTheAcknowledgements()
    {
        long clientId;
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var created = await http.PostAsJsonAsync("/api/clients", new { name = "Warsaw Bakery" }, TestContext.Current.CancellationToken);
            clientId = JsonNode.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["id"]!.GetValue<long>();
        }

        var page = await app.NewPageAsync();
        await page.GotoAsync($"/clients/{clientId}");
        await page.GetByLabel("E-mail").FillAsync(SetUpLiaisonApp.OwnerEmail);
        await page.GetByLabel("Password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await page.GetByTestId("agreement-link").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/clients/{clientId}/agreement$"));
        await NewUserTests.WaitReadyAsync(page, "agreement-page");
        await Expect(page.GetByTestId("agreement-version")).ToContainTextAsync("Not saved yet");
        foreach (var language in new[] { "en", "pl", "ru", "bg" })
            await Expect(page.GetByTestId($"preview-ack-{language}")).Not.ToBeEmptyAsync();
        // Our hours and days off are the workspace calendar's: the editor links there and does not edit them.
        await Expect(page.GetByTestId("calendar-link")).ToHaveAttributeAsync("href", "/calendar");
        await Expect(page.GetByTestId("working-hours")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("ics-file")).ToHaveCountAsync(0);

        // The client may be written to until 13:00 on Fridays instead of 18:00.
        var friday = page.GetByTestId("contact-hours").Locator("[data-day=friday]");
        await friday.GetByLabel("Friday until").FillAsync("13:00");
        await friday.GetByLabel("Friday until").BlurAsync();
        await page.GetByTestId("save-agreement").ClickAsync();
        await Expect(page.GetByTestId("saved-changes")).ToContainTextAsync("Friday");
        await Expect(page.GetByTestId("saved-changes")).Not.ToContainTextAsync("Where we talk");
        await Expect(page.GetByTestId("agreement-version")).ToContainTextAsync("Version 1");
        await Expect(page.GetByTestId("preview-ack-en")).ToContainTextAsync("I will answer");
        await Screens.CaptureAsync(page, "agreement-editor");

        // An overlapping range is refused next to its weekday.
        await friday.GetByRole(AriaRole.Button, new() { Name = "+ range" }).ClickAsync();
        await friday.GetByLabel("Friday from").Nth(1).FillAsync("12:00");
        await friday.GetByLabel("Friday from").Nth(1).BlurAsync();
        await page.GetByTestId("save-agreement").ClickAsync();
        await Expect(friday.Locator(".field-error")).ToContainTextAsync("overlaps");
        await Screens.CaptureAsync(page, "agreement-editor-error");
        await friday.GetByRole(AriaRole.Button, new() { Name = "Remove Friday range" }).Nth(1).ClickAsync();

        // A mistyped zone is refused with the closest real ones to pick from.
        await page.GetByTestId("client-zone").FillAsync("Europe/Warsow");
        await page.GetByTestId("client-zone").BlurAsync();
        await page.GetByTestId("save-agreement").ClickAsync();
        var suggestion = page.GetByTestId("zone-suggestion").First;
        await Expect(suggestion).ToHaveTextAsync("Europe/Warsaw");
        await suggestion.ClickAsync();
        await Expect(page.GetByTestId("client-zone")).ToHaveValueAsync("Europe/Warsaw");
    }
}
