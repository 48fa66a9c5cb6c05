using System.Diagnostics;
using System.Net;
using Liaison.Server.Auth;
using Liaison.Testing;

namespace Liaison.Server.Tests.Auth;

/// <summary>The sign-in page: throttled per client and address instead of locking the account, silent about which addresses exist.</summary>
public class SignInTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TenWrongPasswordsFromOnePlace_BlockThatPlace_NotTheOwnerSigningInFromAnother(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var attacker = new Browser(app);
        for (var i = 0; i < SignInThrottle.FailuresPerClient; i++)
        {
            using var guess = await attacker.SignInAsync(member.Email, $"guess number {i}");
            Assert.Contains("don't match an account", Browser.Alerts(await guess.Content.ReadAsStringAsync()));
        }

        using var blocked = await attacker.SignInAsync(member.Email, member.Password);
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Contains("Too many attempts from here", Browser.Alerts(await blocked.Content.ReadAsStringAsync()));
        Assert.False(await attacker.IsSignedInAsync());

        await new Browser(app).SignInOrFailAsync(member.Email, member.Password);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AnUnknownAddress_GetsTheSameAnswerAsAWrongPassword(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        using var wrongPassword = await new Browser(app).SignInAsync(member.Email, "not the password");
        using var unknown = await new Browser(app).SignInAsync($"{ApiCalls.Unique("nobody")}@example.com", "not the password");

        Assert.Equal(wrongPassword.StatusCode, unknown.StatusCode);
        Assert.Equal(Browser.Alerts(await wrongPassword.Content.ReadAsStringAsync()), Browser.Alerts(await unknown.Content.ReadAsStringAsync()));
        Assert.NotEmpty(Browser.Alerts(await unknown.Content.ReadAsStringAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AnUnknownAddress_TakesAsLongAsAWrongPassword(DatabaseProvider db)
    {
        // Without a password hash for unknown addresses they answered in a few ms, a wrong password in tens:
        // the medians of alternating tries must be of the same order.
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        var unknownAddress = $"{ApiCalls.Unique("nobody")}@example.com";
        (await new Browser(app).SignInAsync(unknownAddress, "warm up")).Dispose();
        var wrong = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            wrong.Add(await TimedAsync(() => new Browser(app).SignInAsync(member.Email, "not the password")));
            unknown.Add(await TimedAsync(() => new Browser(app).SignInAsync(unknownAddress, "not the password")));
        }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        Assert.True(Median(unknown) > 0.4 * Median(wrong), $"unknown address {Median(unknown):F1} ms, wrong password {Median(wrong):F1} ms");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ANonAsciiReturnUrl_SignsInAndLeadsThere_Escaped(DatabaseProvider db)
    {
        // "/clients/%C5%BC" went out as "/clients/ż" in the Location header, which Kestrel refuses: a 500 after the right password.
        var app = await apps.For(db);
        var member = await TeamMembers.JoinAsync(app);
        foreach (var (returnUrl, escaped) in new[] { ("/clients/%C5%BC%C3%B3%C5%82w", "/clients/%C5%BC%C3%B3%C5%82w"), ("/clients/żółw", "/clients/%C5%BC%C3%B3%C5%82w"), ("clients?q=żółw ü", "/clients?q=%C5%BC%C3%B3%C5%82w%20%C3%BC"), ("//evil.example/ż", "/") })
        {
            using var signedIn = await new Browser(app).SignInAsync(member.Email, member.Password, returnUrl);
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{returnUrl}: {(int)signedIn.StatusCode}");
            Assert.Equal(escaped, signedIn.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task SetupFromTheCommandLine_RefusesACommonPassword()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.RunCommandAsync(database.Environment, "setup", "--owner-email", "owner@example.com", "--password", "qwertyuiop123"));
        Assert.Contains("most common", refused.Message);
        await ServerProcess.RunCommandAsync(database.Environment, "setup", "--owner-email", "owner@example.com", "--password", "a less common passphrase");
    }

    [Theory]
    [InlineData("stup")]
    [InlineData("Setup")]
    [InlineData("frobnicate")]
    public async Task UnknownCommand_PrintsTheCommandsAndFails_WithoutStartingTheServer(string command)
    {
        // It used to start the web server as if nothing was asked, on the port a running instance holds.
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.RunCommandAsync(database.Environment, command, "--owner-email", "owner@example.com"));
        Assert.Contains($"Unknown command '{command}'", refused.Message);
        Assert.Contains("Liaison.Server setup --owner-email", refused.Message);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task JoiningByInvitation_RefusesACommonPassword(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var invitation = await (await app.Api().Post("/api/members/invitations", new { email = $"{ApiCalls.Unique("mate")}@example.com" })).Json(HttpStatusCode.OK);
        var path = invitation["acceptPath"]!.GetValue<string>();
        using var refused = await new Browser(app).SubmitAsync(path, "invite", ("Form.DisplayName", "Mate"), ("Form.Password", "1q2w3e4r5t6y"));
        Assert.Contains("most common", Browser.Alerts(await refused.Content.ReadAsStringAsync()));
        using var joined = await new Browser(app).SubmitAsync(path, "invite", ("Form.DisplayName", "Mate"), ("Form.Password", "an uncommon passphrase"));
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
    }

    private static async Task<double> TimedAsync(Func<Task<HttpResponseMessage>> attempt)
    {
        var clock = Stopwatch.StartNew();
        using var response = await attempt();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return clock.Elapsed.TotalMilliseconds;
    }
}
