using Microsoft.Playwright;

namespace Liaison.Browser.Tests;

/// <summary>What a person does in the composer, whatever the hour the test runs at.</summary>
public static class ComposerSteps
{
    /// <summary>
    /// Sends at once. Outside the client's contact hours the composer proposes their next one
    /// (scheduled send); these tests run at any real hour, so they choose "Send now" when it is offered.
    /// </summary>
    public static async Task SendNowAsync(ILocator composer)
    {
        await composer.GetByTestId("send-time-known").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var now = composer.GetByTestId("send-time-now");
        if (await now.CountAsync() > 0) await now.CheckAsync();
        await composer.GetByTestId("composer-send").ClickAsync();
    }
}
