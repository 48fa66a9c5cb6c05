using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

public sealed class FormattedMailTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task HtmlMail_ShowsFormattedWithoutScripts_AndRemoteImagesOnlyOnRequest()
    {
        long clientId;
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var ct = TestContext.Current.CancellationToken;
            var recorded = await http.PostAsJsonAsync("/api/messages", new
            {
                channel = "email", counterpart = "designer@example.com", counterpartName = "Dana Designer", subject = "New layout",
                text = "Hello, the new layout is attached.",
                html = "<p>Hello, the <b>new layout</b> is attached.</p><img src=\"https://tracker.example/open.png\" alt=\"\"><script>alert('x')</script>",
            }, ct);
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
            var senders = await http.GetFromJsonAsync<JsonArray>("/api/unknown-senders", ct);
            var senderId = senders!.Single(s => s!["address"]!.GetValue<string>() == "designer@example.com")!["id"]!.GetValue<long>();
            var created = await http.PostAsJsonAsync($"/api/unknown-senders/{senderId}/create-client", new { }, ct);
            clientId = (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
        }

        var page = await app.NewPageAsync();
        await page.GotoAsync($"/clients/{clientId}");
        await page.GetByLabel("E-mail").FillAsync(SetUpLiaisonApp.OwnerEmail);
        await page.GetByLabel("Password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/clients/{clientId}$"));
        await NewUserTests.WaitReadyAsync(page, "client-page");

        await page.GetByTestId("show-formatted").ClickAsync();
        var mail = page.GetByTestId("mail-html");
        await Expect(page.FrameLocator("[data-testid=mail-html]").Locator("b")).ToHaveTextAsync("new layout");
        await Expect(mail).ToHaveAttributeAsync("srcdoc", new Regex("data-blocked-src=\"https://tracker.example/open.png\""));
        await Expect(mail).Not.ToHaveAttributeAsync("srcdoc", new Regex("<script", RegexOptions.IgnoreCase));
        await Expect(mail).Not.ToHaveAttributeAsync("srcdoc", new Regex(" src=\"https://tracker"));
        // The frame's own policy: images only from us and data: until the owner allows remote ones.
        await Expect(mail).ToHaveAttributeAsync("srcdoc", new Regex(Regex.Escape("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:;")));
        await Screens.CaptureAsync(page, "client-mail-formatted");

        await page.GetByTestId("show-images").ClickAsync();
        await Expect(mail).ToHaveAttributeAsync("srcdoc", new Regex("src=\"https://tracker.example/open.png\""));
        await Expect(mail).ToHaveAttributeAsync("srcdoc", new Regex(Regex.Escape("img-src 'self' data: https: http:;")));
    }

    [Fact]
    public async Task HtmlTooDeepToSanitise_IsShownAsTextWithANote_AndNoFormattedView()
    {
        long clientId;
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var ct = TestContext.Current.CancellationToken;
            var created = await http.PostAsJsonAsync("/api/clients", new { name = "Deep Mail Ltd" }, ct);
            clientId = (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
            var contact = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new { name = "Dee", identities = new[] { new { kind = "email", address = "dee@example.com" } } }, ct);
            Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            var recorded = await http.PostAsJsonAsync("/api/messages", new
            {
                channel = "email", counterpart = "dee@example.com", subject = "Deep",
                html = "<p>Please pay</p>" + string.Concat(Enumerable.Repeat("<span>", 50_000)) + "the invoice",
            }, ct);
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        }

        var page = await app.SignedInPageAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");

        await Expect(page.GetByTestId("timeline-text")).ToHaveTextAsync(new Regex("Please pay\\s+the invoice"));
        await Expect(page.GetByTestId("formatting-withheld")).ToHaveTextAsync(new Regex("too large or complex to show safely; shown as text"));
        await Expect(page.GetByTestId("show-formatted")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ItemWithManyAttachments_ShowsTheFirstFewAndTheCount_AndLoadsTheRestWhenAsked()
    {
        long clientId;
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
            var ct = TestContext.Current.CancellationToken;
            var created = await http.PostAsJsonAsync("/api/clients", new { name = "Many Files Ltd" }, ct);
            clientId = (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
            var note = await http.PostAsJsonAsync($"/api/clients/{clientId}/notes", new { kind = "meeting", text = "Scans" }, ct);
            var noteId = (await note.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
            for (var i = 0; i < 13; i++)
            {
                using var form = new MultipartFormDataContent();
                form.Add(new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes($"scan {i}")), "file", $"scan-{i:00}.txt");
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsync($"/api/clients/{clientId}/notes/{noteId}/attachments", form, ct)).StatusCode);
            }
        }

        var page = await app.SignedInPageAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");

        var files = page.GetByTestId("attachments").Locator("li");
        await Expect(files).ToHaveCountAsync(10);
        await Expect(page.GetByTestId("show-all-attachments")).ToHaveTextAsync("Show all 13 attachments");
        await page.GetByTestId("show-all-attachments").ClickAsync();
        await Expect(files).ToHaveCountAsync(13);
        await Expect(files.Last).ToContainTextAsync("scan-12.txt");
        await Expect(page.GetByTestId("show-all-attachments")).ToHaveCountAsync(0);
    }
}
