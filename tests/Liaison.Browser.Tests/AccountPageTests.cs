using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>The owner's own account from the Settings page: a new password ends the other browsers' sessions, "Sign out everywhere" ends all.</summary>
public sealed class AccountPageTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task ChangingThePassword_SignsOutTheOtherBrowser_ThenSignOutEverywhere_SignsOutThisOne()
    {
        var laptop = await app.SignedInPageAsync("/settings");
        var phone = await app.SignedInPageAsync("/undelivered");

        await laptop.GetByTestId("account-link").ClickAsync();
        await Expect(laptop).ToHaveURLAsync(new Regex("/account$"));
        await laptop.GetByLabel("Current password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await laptop.GetByLabel("New password").FillAsync("qwertyuiop123");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(laptop.GetByRole(AriaRole.Alert)).ToContainTextAsync("most common");

        await laptop.GetByLabel("Current password").FillAsync(SetUpLiaisonApp.OwnerPassword);
        await laptop.GetByLabel("New password").FillAsync("an even longer passphrase");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(laptop.GetByTestId("password-changed")).ToBeVisibleAsync();

        await phone.ReloadAsync();
        await Expect(phone).ToHaveURLAsync(new Regex("/login"));
        await laptop.GotoAsync("/settings");
        await Expect(laptop.GetByTestId("settings-page")).ToBeVisibleAsync();

        await laptop.GotoAsync("/account");
        await laptop.GetByTestId("sign-out-everywhere").ClickAsync();
        await Expect(laptop).ToHaveURLAsync(new Regex("/login$"));
        await laptop.GotoAsync("/settings");
        await Expect(laptop).ToHaveURLAsync(new Regex("/login"));
    }
}
