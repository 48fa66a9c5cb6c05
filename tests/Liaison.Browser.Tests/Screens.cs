using Microsoft.Playwright;

namespace Liaison.Browser.Tests;

/// <summary>Screenshots of a page at the two sizes the UI is designed for, for a person to look at.</summary>
internal static class Screens
{
    public static readonly (string Name, int Width, int Height)[] Sizes = [("laptop", 1366, 768), ("phone", 390, 844)];

    public static async Task CaptureAsync(IPage page, string name, Func<Task>? afterResize = null)
    {
        foreach (var (size, width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            if (afterResize is not null) await afterResize();
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(LiaisonApp.ScreenshotDirectory, $"{name}-{size}.png"),
                FullPage = true,
            });
        }
        await page.SetViewportSizeAsync(Sizes[0].Width, Sizes[0].Height);
    }
}
