using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Liaison.Browser.Tests;

public sealed class NewUserTests(LiaisonApp app) : IClassFixture<LiaisonApp>
{
    [Fact]
    public async Task NewUser_SetsUpAndKeepsAClientsHistory()
    {
        var page = await app.NewPageAsync();

        // A fresh install leads to setup, whatever page is opened.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await Screens.CaptureAsync(page, "setup");
        await page.GetByLabel("Your name").FillAsync("Anna Kowalska");
        await page.GetByLabel("E-mail").FillAsync("anna@studio.example");
        await page.GetByLabel("Password").FillAsync("correct horse battery staple");
        await page.GetByLabel("Workspace name").FillAsync("Anna's studio");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my workspace" }).ClickAsync();

        // Home is the queue; with no client yet it says what to do first and leads to the client list.
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await WaitReadyAsync(page, "queue-page");
        await Expect(page.GetByTestId("queue-empty")).ToContainTextAsync("first client");
        await Screens.CaptureAsync(page, "queue-first-day");
        await page.GetByTestId("queue-empty").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/clients$"));
        await WaitReadyAsync(page, "clients-page");
        await Expect(page.GetByTestId("clients-empty")).ToContainTextAsync("first client");
        await Expect(page.GetByTestId("workspace-name")).ToHaveTextAsync("Anna's studio");
        await Screens.CaptureAsync(page, "clients-empty");

        await page.GetByTestId("new-client").ClickAsync();
        var form = page.GetByTestId("new-client-form");
        await form.GetByLabel("Name").FillAsync("Northwind Bakery");
        await form.GetByLabel("About").FillAsync("Website redesign and weekly menu updates");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create client" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/clients/\d+$"));
        await WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("client-name")).ToContainTextAsync("Northwind Bakery");

        // A contact with an e-mail and a Telegram identity.
        await page.GetByTestId("add-contact").ClickAsync();
        var contactForm = page.GetByTestId("contact-form");
        await contactForm.GetByLabel("Name").FillAsync("Marta Nowak");
        await contactForm.GetByLabel("Role").FillAsync("Owner");
        await contactForm.GetByLabel("Channel of address 1").SelectOptionAsync("email");
        await contactForm.GetByLabel("Address 1", new() { Exact = true }).FillAsync("marta@northwind.example");
        await contactForm.GetByTestId("add-identity-row").ClickAsync();
        await contactForm.GetByLabel("Channel of address 2").SelectOptionAsync("telegram");
        await contactForm.GetByLabel("Address 2", new() { Exact = true }).FillAsync("@marta_nw");
        await contactForm.GetByTestId("save-contact").ClickAsync();

        var contact = page.GetByTestId("contact").Filter(new() { HasText = "Marta Nowak" });
        await Expect(contact).ToBeVisibleAsync();
        await Expect(contact.Locator("[data-testid=identity][data-kind=email]")).ToContainTextAsync("marta@northwind.example");
        await Expect(contact.Locator("[data-testid=identity][data-kind=telegram]")).ToBeVisibleAsync();

        // A call note through the keyboard: N opens the box, Ctrl+Enter saves.
        await page.GetByTestId("client-name").ClickAsync();
        await page.Keyboard.PressAsync("n");
        var noteBox = page.GetByTestId("note-box");
        await Expect(noteBox).ToBeVisibleAsync();
        await Expect(noteBox.GetByTestId("note-text")).ToBeFocusedAsync();
        await Expect(noteBox.GetByTestId("note-source-phone")).ToHaveAttributeAsync("aria-pressed", "true");
        await noteBox.GetByTestId("note-text").FillAsync("Called Marta about the spring menu.\nShe wants the new photos online by Friday.");
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(noteBox).ToBeHiddenAsync();
        await Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(1);

        // A Viber chat pasted later, about something that happened earlier.
        await page.GetByTestId("add-note").ClickAsync();
        await Expect(noteBox).ToBeVisibleAsync();
        await noteBox.GetByTestId("note-kind-fragment").ClickAsync();
        await Expect(noteBox.GetByText("Copied from")).ToBeVisibleAsync();
        await noteBox.GetByTestId("note-source-viber").ClickAsync();
        await Expect(noteBox.GetByTestId("note-source-viber")).ToHaveAttributeAsync("aria-pressed", "true");
        await noteBox.GetByTestId("note-text").FillAsync("Marta: Can we move the tasting to Thursday?\nMe: Sure, Thursday 10:00 works.");
        var shownNow = await noteBox.GetByTestId("note-when").InputValueAsync();
        var earlier = DateTime.ParseExact(shownNow, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture).AddHours(-3);
        await noteBox.GetByTestId("note-when").FillAsync(earlier.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await Screens.CaptureAsync(page, "note-box");
        await noteBox.GetByTestId("save-note").ClickAsync();
        await Expect(noteBox).ToBeHiddenAsync();

        // Newest first: the call (now) above the Viber chat (three hours ago), each with its channel.
        var items = page.GetByTestId("timeline-item");
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.Nth(0)).ToHaveAttributeAsync("data-channel", "phone");
        await Expect(items.Nth(0).GetByTestId("channel-badge")).ToHaveTextAsync(new Regex("Phone"));
        await Expect(items.Nth(0).GetByTestId("direction")).ToContainTextAsync("Call note");
        await Expect(items.Nth(0).GetByTestId("timeline-text")).ToContainTextAsync("spring menu");
        await Expect(items.Nth(1)).ToHaveAttributeAsync("data-channel", "viber");
        await Expect(items.Nth(1).GetByTestId("channel-badge")).ToHaveTextAsync(new Regex("Viber"));
        await Expect(items.Nth(1).GetByTestId("direction")).ToContainTextAsync("Pasted chat");
        await Expect(items.Nth(1).GetByTestId("timeline-text")).ToContainTextAsync("tasting to Thursday");

        // The history survives a reload.
        await page.ReloadAsync();
        await WaitReadyAsync(page, "client-page");
        await Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("timeline-item").First).ToHaveAttributeAsync("data-channel", "phone");
        await Screens.CaptureAsync(page, "client-page");

        await page.GetByRole(AriaRole.Link, new() { Name = "Clients", Exact = true }).ClickAsync();
        await WaitReadyAsync(page, "clients-page");
        await Expect(page.GetByTestId("client-row")).ToContainTextAsync("Northwind Bakery");
        await Screens.CaptureAsync(page, "client-list");

        await page.GotoAsync("/unknown-senders");
        await WaitReadyAsync(page, "unknown-senders-page");
        await Expect(page.GetByTestId("unknown-empty")).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "unknown-senders-empty");
    }

    /// <summary>The page sets data-ready once its circuit is up and its data is loaded: only then does typing reach the server.</summary>
    internal static Task WaitReadyAsync(IPage page, string testId) =>
        Expect(page.Locator($"[data-testid={testId}][data-ready=true]")).ToBeVisibleAsync(new() { Timeout = 15_000 }); // the circuit may take a while on a loaded 2-core machine
}
