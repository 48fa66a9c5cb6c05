using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

public sealed class CalendarPageTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task CalendarPage_HoursHolidaysAndIcs_SaveAsAVersionAndFitAPhone()
    {
        var page = await app.SignedInPageAsync("/calendar");
        await NewUserTests.WaitReadyAsync(page, "calendar-page");
        await Expect(page.GetByTestId("nav-calendar")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await Expect(page.GetByTestId("calendar-version")).ToContainTextAsync("Not saved yet");

        // Friday ends at 13:00 instead of 17:00.
        var friday = page.GetByTestId("working-hours").Locator("[data-day=friday]");
        await friday.GetByLabel("Friday until").FillAsync("13:00");
        await friday.GetByLabel("Friday until").BlurAsync();

        // Each country's public holidays join the draft as a starting set; offered twice, they are not doubled.
        var rows = page.GetByTestId("day-off");
        await page.GetByTestId("holiday-year").FillAsync("2027");
        await page.GetByTestId("holiday-year").BlurAsync();
        var count = 0;
        foreach (var country in new[] { "PL", "BG", "RU", "UA" })
        {
            await page.GetByTestId("holiday-country").SelectOptionAsync(country);
            await page.GetByTestId("add-holidays").ClickAsync();
            await Expect(rows).Not.ToHaveCountAsync(count);
            count = await rows.CountAsync();
            await AssertNoSidewaysOverflowAsync(page, country);
        }
        await page.GetByTestId("add-holidays").ClickAsync();
        await Expect(rows).ToHaveCountAsync(count);

        // Days off from an .ics file join the draft too.
        await page.GetByTestId("ics-file").SetInputFilesAsync(new FilePayload
        {
            Name = "vacation.ics",
            MimeType = "text/calendar",
            Buffer = System.Text.Encoding.UTF8.GetBytes(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x@test\r\nDTSTART;VALUE=DATE:20270802\r\n" +
                "DTEND;VALUE=DATE:20270816\r\nSUMMARY:Vacation by the sea\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
        });
        await Expect(rows).ToHaveCountAsync(count + 1);

        await page.GetByTestId("save-calendar").ClickAsync();
        await Expect(page.GetByTestId("calendar-saved")).ToContainTextAsync("Saved version 1");
        await Expect(page.GetByTestId("calendar-version")).ToContainTextAsync("Version 1");
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.ApiToken);
            var stored = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/api/calendar", TestContext.Current.CancellationToken))!["calendar"]!;
            var daysOff = stored["daysOff"]!.AsArray();
            Assert.Equal(count + 1, daysOff.Count);
            Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-08-02" && d["name"]!.GetValue<string>() == "Vacation by the sea");
            Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-04-30" && d["name"]!.GetValue<string>() == "Good Friday"); // Orthodox, Bulgaria
            Assert.Equal("13:00:00", stored["workingHours"]!["friday"]![0]!["end"]!.GetValue<string>());
        }
        await Screens.CaptureAsync(page, "calendar", async () => Assert.True(await FitsSidewaysAsync(page), "the saved calendar overflows sideways"));

        // A duplicate check window is refused next to its weekday, and nothing is stored.
        await page.GetByTestId("windows-monday").FillAsync("09:00, 09:00");
        await page.GetByTestId("windows-monday").BlurAsync();
        await page.GetByTestId("save-calendar").ClickAsync();
        await Expect(page.Locator(".window-day .field-error").First).ToContainTextAsync("twice");
        await Expect(page.GetByTestId("calendar-version")).ToContainTextAsync("Version 1");
    }

    private static async Task AssertNoSidewaysOverflowAsync(IPage page, string when)
    {
        foreach (var (size, width, height) in Screens.Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            Assert.True(await FitsSidewaysAsync(page), $"the calendar overflows sideways at {size} ({when})");
        }
        await page.SetViewportSizeAsync(Screens.Sizes[0].Width, Screens.Sizes[0].Height);
    }

    private static Task<bool> FitsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");
}
