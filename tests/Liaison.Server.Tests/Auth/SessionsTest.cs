using System.Net;
using System.Net.Http.Headers;
using Liaison.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Auth;

/// <summary>Sign-in cookies are sessions the server ends: on logout, everywhere at once, on a password change, on a rotated stamp.</summary>
public class SessionsTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Logout_EndsTheSessionOnTheServer_ASavedCookieNoLongerSignsIn(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var browser = new Browser(app);
        await browser.SignInOrFailAsync(member.Email, member.Password);
        var saved = browser.SavedCookies;
        Assert.True(await browser.IsSignedInAsync());

        using var loggedOut = await browser.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);

        Assert.False(await browser.IsSignedInAsync());
        Assert.False(await new Browser(app, browser.ClientAddress, saved).IsSignedInAsync());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Logout_OnOneBrowser_LeavesTheMembersOtherBrowsersSignedIn(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var laptop = new Browser(app);
        var phone = new Browser(app);
        await laptop.SignInOrFailAsync(member.Email, member.Password);
        await phone.SignInOrFailAsync(member.Email, member.Password);

        (await laptop.SignOutAsync()).Dispose();

        Assert.False(await laptop.IsSignedInAsync());
        Assert.True(await phone.IsSignedInAsync());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SignOutEverywhere_OnTheAccountPage_EndsEveryBrowser_ButNotTheApiTokens(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var laptop = new Browser(app);
        var phone = new Browser(app);
        await laptop.SignInOrFailAsync(member.Email, member.Password);
        await phone.SignInOrFailAsync(member.Email, member.Password);
        var other = await TeamMembers.JoinAsync(app);
        var colleague = new Browser(app);
        await colleague.SignInOrFailAsync(other.Email, other.Password);

        using var everywhere = await laptop.SignOutAsync("/logout/everywhere");
        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);

        Assert.False(await laptop.IsSignedInAsync());
        Assert.False(await phone.IsSignedInAsync());
        Assert.True(await colleague.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await Api(app, member.Token).GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SignOutEverywhere_ThroughTheApi_EndsEveryBrowser(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var browser = new Browser(app);
        await browser.SignInOrFailAsync(member.Email, member.Password);

        await (await Api(app, member.Token).DeleteAsync("/api/account/sessions")).Json(HttpStatusCode.NoContent);

        Assert.False(await browser.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await Api(app, member.Token).GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ARotatedSecurityStamp_ALockedOrADeletedAccount_EndsItsSessionsAtTheNextRequest(DatabaseProvider db)
    {
        // What removing a member does: rotate the stamp, lock or delete the account.
        var app = await apps.For(db);
        var rotated = await TeamMembers.JoinAsync(app);
        var locked = await TeamMembers.JoinAsync(app);
        var deleted = await TeamMembers.JoinAsync(app);
        var rotatedBrowser = new Browser(app);
        var lockedBrowser = new Browser(app);
        var deletedBrowser = new Browser(app);
        await rotatedBrowser.SignInOrFailAsync(rotated.Email, rotated.Password);
        await lockedBrowser.SignInOrFailAsync(locked.Email, locked.Password);
        await deletedBrowser.SignInOrFailAsync(deleted.Email, deleted.Password);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(rotated.Email))!);
            await users.SetLockoutEndDateAsync((await users.FindByEmailAsync(locked.Email))!, DateTimeOffset.MaxValue);
            await users.DeleteAsync((await users.FindByEmailAsync(deleted.Email))!);
        }

        Assert.False(await rotatedBrowser.IsSignedInAsync());
        Assert.False(await lockedBrowser.IsSignedInAsync());
        Assert.False(await deletedBrowser.IsSignedInAsync());
        using var lockedAgain = await new Browser(app).SignInAsync(locked.Email, locked.Password);
        Assert.Equal(HttpStatusCode.OK, lockedAgain.StatusCode);
        Assert.Contains("don't match an account", Browser.Alerts(await lockedAgain.Content.ReadAsStringAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PasswordChange_ThroughTheApi_NeedsTheCurrentOne_ThenEndsEveryBrowser(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var browser = new Browser(app);
        await browser.SignInOrFailAsync(member.Email, member.Password);
        var api = Api(app, member.Token);

        var wrong = await (await api.Post("/api/account/password", new { currentPassword = "not the password", newPassword = "a brand new passphrase" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("currentPassword", wrong["field"]!.GetValue<string>());
        var common = await (await api.Post("/api/account/password", new { currentPassword = member.Password, newPassword = "Qwertyuiop123" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("newPassword", common["field"]!.GetValue<string>());
        var tooShort = await (await api.Post("/api/account/password", new { currentPassword = member.Password, newPassword = "short" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("newPassword", tooShort["field"]!.GetValue<string>());
        Assert.True(await browser.IsSignedInAsync());

        await (await api.Post("/api/account/password", new { currentPassword = member.Password, newPassword = "a brand new passphrase" })).Json(HttpStatusCode.NoContent);

        Assert.False(await browser.IsSignedInAsync());
        using var old = await new Browser(app).SignInAsync(member.Email, member.Password);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        await new Browser(app).SignInOrFailAsync(member.Email, "a brand new passphrase");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PasswordChange_OnTheAccountPage_KeepsThisBrowserSignedIn_AndEndsTheOthers(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var here = new Browser(app);
        var elsewhere = new Browser(app);
        await here.SignInOrFailAsync(member.Email, member.Password);
        await elsewhere.SignInOrFailAsync(member.Email, member.Password);

        using var wrong = await here.SubmitAsync("/account", "password", ("Form.CurrentPassword", "not the password"), ("Form.NewPassword", "another fine passphrase"));
        Assert.Contains("not your current password", Browser.Alerts(await wrong.Content.ReadAsStringAsync()));
        Assert.True(await elsewhere.IsSignedInAsync());

        using var changed = await here.SubmitAsync("/account", "password", ("Form.CurrentPassword", member.Password), ("Form.NewPassword", "another fine passphrase"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("data-testid=\"password-changed\"", await changed.Content.ReadAsStringAsync());

        Assert.True(await here.IsSignedInAsync());
        Assert.False(await elsewhere.IsSignedInAsync());
    }

    private static HttpClient Api(LiaisonApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
