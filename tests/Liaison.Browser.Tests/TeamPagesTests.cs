using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>The owner's pages as the owner and as a team member who joined through an invitation link.</summary>
public sealed class TeamPagesTests(SetUpLiaisonApp app) : IClassFixture<SetUpLiaisonApp>
{
    [Fact]
    public async Task TeamMember_SeesNoChannelsOrTeam_AndTheOwnerRemovesThemAndWithdrawsAnInvitation()
    {
        var mate = $"mate-{Guid.NewGuid().ToString("N")[..8]}@example.com";
        var later = $"later-{Guid.NewGuid().ToString("N")[..8]}@example.com";
        var acceptPath = await InviteAsync(mate);
        await InviteAsync(later);

        // The invited member joins from the link and is signed in.
        var member = await app.NewPageAsync();
        await member.GotoAsync(acceptPath);
        await member.GetByLabel("Your name").FillAsync("Tom Teammate");
        await member.GetByLabel("Password").FillAsync("a long team passphrase");
        await member.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(member.GetByTestId("member-name")).ToHaveTextAsync("Tom Teammate");
        await Expect(member.GetByTestId("nav-channels")).ToHaveCountAsync(0);
        await member.GotoAsync("/settings");
        await NewUserTests.WaitReadyAsync(member, "settings-page");
        await Expect(member.GetByTestId("create-token")).ToBeVisibleAsync();
        await Expect(member.GetByTestId("member-row")).ToHaveCountAsync(0);
        Assert.Equal(403, (await member.GotoAsync("/channels"))!.Status);
        // The workspace calendar: read, not edited.
        await member.GotoAsync("/calendar");
        await NewUserTests.WaitReadyAsync(member, "calendar-page");
        await Expect(member.GetByTestId("calendar-read-only")).ToBeVisibleAsync();
        await Expect(member.GetByTestId("save-calendar")).ToHaveCountAsync(0);
        await Expect(member.GetByTestId("add-holidays")).ToBeDisabledAsync();

        // The owner sees the team and who is invited, withdraws one invitation and removes the member.
        var owner = await app.SignedInPageAsync("/settings");
        await NewUserTests.WaitReadyAsync(owner, "settings-page");
        await Expect(owner.GetByTestId("nav-channels")).ToBeVisibleAsync();
        var mateRow = owner.GetByTestId("member-row").Filter(new() { HasText = mate });
        await Expect(mateRow).ToContainTextAsync("Team member");
        await Expect(owner.GetByTestId("member-row").Filter(new() { HasText = SetUpLiaisonApp.OwnerEmail })).ToContainTextAsync("Owner");
        await Expect(owner.GetByTestId("member-row").Filter(new() { HasText = SetUpLiaisonApp.OwnerEmail }).GetByTestId("remove-member")).ToHaveCountAsync(0);
        var laterRow = owner.GetByTestId("invitation-row").Filter(new() { HasText = later });
        await Expect(owner.GetByTestId("invitation-row").Filter(new() { HasText = mate })).ToHaveCountAsync(0);
        await Screens.CaptureAsync(owner, "settings-team", async () =>
        {
            // On a phone too, every row keeps its button in view and nothing scrolls sideways.
            await Expect(laterRow.GetByTestId("withdraw-invitation")).ToBeVisibleAsync();
            Assert.True(await owner.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the team section overflows sideways");
        });

        await laterRow.GetByTestId("withdraw-invitation").ClickAsync();
        await Expect(laterRow).ToHaveCountAsync(0);
        await mateRow.GetByTestId("remove-member").ClickAsync();
        await mateRow.GetByTestId("confirm-remove-member").ClickAsync();
        await Expect(mateRow).ToHaveCountAsync(0);

        using var http = Api();
        var members = await http.GetFromJsonAsync<JsonElement>("/api/members", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("email").GetString() == mate);
        var pending = await http.GetFromJsonAsync<JsonElement>("/api/members/invitations", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(pending.EnumerateArray(), i => i.GetProperty("email").GetString() == later);
    }

    [Fact]
    public async Task ChannelEdit_ThatMovesTheKeptPasswordToAnotherHost_AsksForThePasswordOnItsField()
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var address = $"box-{Guid.NewGuid().ToString("N")[..8]}@example.com";
        var name = "Moved box " + address[4..12];
        var connected = await http.PostAsJsonAsync("/api/channels", new
        {
            kind = "email", name, settings = new Dictionary<string, string>
            {
                ["address"] = address, ["user"] = address, ["password"] = "owners-password",
                ["imap.host"] = "127.0.0.1", ["imap.port"] = "1", ["smtp.host"] = "127.0.0.1", ["smtp.port"] = "2",
            },
        }, ct);
        Assert.Equal(HttpStatusCode.Created, connected.StatusCode);

        var page = await app.SignedInPageAsync("/channels");
        await NewUserTests.WaitReadyAsync(page, "channels-page");
        var channel = page.GetByTestId("channel").Filter(new() { HasText = name });
        await channel.GetByTestId("edit-channel").ClickAsync();
        var edit = channel.GetByTestId("edit-form");
        await edit.GetByLabel("IMAP host", new() { Exact = true }).FillAsync("localhost");
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(edit.GetByText("Enter the password again: the server changed.")).ToBeVisibleAsync();

        await edit.GetByLabel("Password", new() { Exact = true }).FillAsync("password-for-localhost");
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(edit).ToHaveCountAsync(0);
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        return http;
    }

    private async Task<string> InviteAsync(string email)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var answer = await http.PostAsJsonAsync("/api/members/invitations", new { email }, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("acceptPath").GetString()!;
    }
}
