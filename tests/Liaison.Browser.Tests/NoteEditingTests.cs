using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>A note on the timeline is edited in place, its earlier text stays in its history, and it can be deleted after a confirmation.</summary>
public sealed class NoteEditingTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task Note_EditedOnTheTimeline_ShowsItsEarlierVersion_AndIsDeletedOnlyAfterConfirming()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        var created = await http.PostAsJsonAsync("/api/clients", new { name = "Kowalski Bakery" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync($"/api/clients/{clientId}/notes", new { kind = "call", text = "Call: launch on 12 December" }, ct)).EnsureSuccessStatusCode();

        var page = await app.SignedInPageAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        // The entry itself, whatever it shows: its text gives way to a text box while it is edited.
        var note = page.Locator("[data-testid=timeline-item][data-type=note]");
        await note.GetByTestId("note-edit-open").ClickAsync();
        await note.GetByTestId("note-edit-text").FillAsync("Call: launch moved to 15 December");
        await note.GetByTestId("note-save").ClickAsync();

        await Expect(note.GetByTestId("timeline-text")).ToHaveTextAsync("Call: launch moved to 15 December");
        await Expect(note.GetByTestId("edited")).ToBeVisibleAsync();
        await note.GetByTestId("note-history").ClickAsync();
        await Expect(note.GetByTestId("note-revisions")).ToContainTextAsync("Call: launch on 12 December");
        await Screens.CaptureAsync(page, "note-edited");

        await note.GetByTestId("note-delete").ClickAsync();
        await Expect(note.GetByTestId("note-delete-confirm")).ToBeVisibleAsync();
        await note.GetByText("Keep it").ClickAsync();
        await Expect(note).ToHaveCountAsync(1);
        await note.GetByTestId("note-delete").ClickAsync();
        await note.GetByTestId("note-delete-confirm").ClickAsync();
        await Expect(page.GetByTestId("timeline-empty")).ToBeVisibleAsync();
    }
}
