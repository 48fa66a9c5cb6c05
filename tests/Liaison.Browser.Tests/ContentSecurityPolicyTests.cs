using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>Every page works under the baseline Content-Security-Policy: nothing it needs is refused.</summary>
public sealed class ContentSecurityPolicyTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task MainPages_LoadWithNoContentSecurityPolicyViolation()
    {
        long clientId;
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var ct = TestContext.Current.CancellationToken;
            var recorded = await http.PostAsJsonAsync("/api/messages", new
            {
                channel = "email", counterpart = "csp@example.com", counterpartName = "Cleo Policy", subject = "Styled mail",
                text = "Hello in style.", html = "<p style=\"color:#a33\">Hello <b>in style</b>.</p><img src=\"https://images.example/logo.png\" alt=\"\">",
            }, ct);
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
            var senders = await http.GetFromJsonAsync<JsonArray>("/api/unknown-senders", ct);
            var senderId = senders!.Single(s => s!["address"]!.GetValue<string>() == "csp@example.com")!["id"]!.GetValue<long>();
            var created = await http.PostAsJsonAsync($"/api/unknown-senders/{senderId}/create-client", new { }, ct);
            clientId = (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
        }

        var page = await app.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (violations) violations.Add($"{page.Url}: {message.Text}");
        };
        // Also what the page itself is told, frames included (an init script runs outside the page's policy).
        await page.Context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI), true);");

        await page.GotoAsync("/login");
        await Expect(page.GetByLabel("E-mail")).ToBeVisibleAsync();
        await page.GotoAsync($"/clients/{clientId}");
        await page.GetByLabel("E-mail").FillAsync(SetUpLiaisonApp.OwnerEmail);
        await page.GetByLabel("Password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await page.GetByTestId("show-formatted").ClickAsync();
        await Expect(page.FrameLocator("[data-testid=mail-html]").Locator("b")).ToHaveTextAsync("in style");
        await page.GetByTestId("show-images").ClickAsync();
        await Expect(page.GetByTestId("mail-html")).ToHaveAttributeAsync("srcdoc", new System.Text.RegularExpressions.Regex(" src=\"https://images.example/logo.png\""));

        foreach (var (path, ready) in new[]
        {
            ("/", "queue-page"), ("/clients", "clients-page"), ($"/clients/{clientId}/agreement", "agreement-page"), ("/channels", "channels-page"),
            ("/settings", "settings-page"), ("/undelivered", "undelivered-page"), ("/unknown-senders", "unknown-senders-page"),
        })
        {
            await page.GotoAsync(path);
            await NewUserTests.WaitReadyAsync(page, ready);
        }
        // Ready means interactive: the circuit's WebSocket, refused by connect-src, would keep every page above from it.
        lock (violations) Assert.Empty(violations);
    }
}
