using System.Net;
using Liaison.Server.Features.Portal;
using Liaison.Server.Tests.Clients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Auth;

/// <summary>
/// The portal's sign-in is a kind of its own: a client's portal principal reaches its own client
/// through /portal and nothing of the owner's, and a member's cookie or token is no portal sign-in.
/// </summary>
public class PortalTest
{
    /// <summary>
    /// Signs a browser in as a client's portal visitor. The product has no portal sign-in yet; this
    /// stands in for it, and exists only in this test's server.
    /// </summary>
    private sealed class PortalSignInForTests : IStartupFilter
    {
        public const string Path = "/test-only/portal-sign-in";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(Path, branch => branch.Run(http =>
                http.SignInAsync(Portal.Scheme, Portal.PrincipalFor(long.Parse(http.Request.Query["clientId"]!, System.Globalization.CultureInfo.InvariantCulture)))));
            next(app);
        };
    }

    private static LiaisonApp NewApp(DatabaseProvider db) =>
        new(db, services => services.AddSingleton<IStartupFilter, PortalSignInForTests>());

    private static async Task<Browser> PortalVisitorOf(LiaisonApp app, long clientId)
    {
        var browser = new Browser(app);
        using var signIn = await browser.GetAsync($"{PortalSignInForTests.Path}?clientId={clientId}");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("liaison-portal", browser.SavedCookies.Keys);
        return browser;
    }

    private static bool Refused(HttpResponseMessage answer) =>
        answer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && answer.Headers.Location!.OriginalString.Contains("/login", StringComparison.Ordinal)
            && !answer.Headers.Location.OriginalString.Contains("/portal", StringComparison.Ordinal));

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PortalVisitor_IsRefusedOnEveryOwnerAndMemberSurface(DatabaseProvider db)
    {
        await using var app = NewApp(db);
        await app.StartAsync();
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Portal client");
        var visitor = await PortalVisitorOf(app, clientId);

        string[] memberSurfaces =
        [
            "/api/clients", $"/api/clients/{clientId}", $"/api/clients/{clientId}/timeline", "/api/channels", "/api/members", "/api/tokens",
            "/api/unknown-senders", "/api/agreement-template",
            "/", "/channels", "/settings", "/account", $"/clients/{clientId}", "/files/1",
        ];
        foreach (var path in memberSurfaces)
        {
            using var answer = await visitor.GetAsync(path);
            Assert.True(Refused(answer), $"GET {path} with a portal sign-in: {(int)answer.StatusCode} {answer.Headers.Location}");
        }
        using var create = await visitor.SendAsync(HttpMethod.Post, "/api/clients", System.Net.Http.Json.JsonContent.Create(new { name = "Made by a visitor" }));
        Assert.True(Refused(create), $"POST /api/clients with a portal sign-in: {(int)create.StatusCode}");

        // The same browser does reach the portal: the refusals above are about the kind of sign-in, not a broken one.
        using var me = await visitor.GetAsync("/portal/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PortalVisitor_SeesOnlyTheClientItIsSignedInFor(DatabaseProvider db)
    {
        await using var app = NewApp(db);
        await app.StartAsync();
        var anna = await ClientsApiTest.NewClient(app.Api(), "Anna's bakery");
        var boris = await ClientsApiTest.NewClient(app.Api(), "Boris builds");

        foreach (var (clientId, name) in new[] { (anna, "Anna's bakery"), (boris, "Boris builds") })
        {
            using var answer = await (await PortalVisitorOf(app, clientId)).GetAsync("/portal/api/me");
            var me = await answer.Json(HttpStatusCode.OK);
            Assert.Equal(clientId, me["clientId"]!.GetValue<long>());
            Assert.Equal(name, me["name"]!.GetValue<string>());
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task OwnersCookieAndApiToken_DoNotPassThePortalPolicy(DatabaseProvider db)
    {
        await using var app = NewApp(db);
        await app.StartAsync();

        using var byToken = await app.Api().GetAsync("/portal/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, byToken.StatusCode);

        var owner = new Browser(app);
        await owner.SignInOrFailAsync(TeamMembers.OwnerEmail, TeamMembers.OwnerPassword);
        Assert.True(await owner.IsSignedInAsync());
        using var byCookie = await owner.GetAsync("/portal/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, byCookie.StatusCode);

        var member = await app.NewTeamMemberAsync();
        using var byMembersToken = await app.ApiAs(member).GetAsync("/portal/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, byMembersToken.StatusCode);
    }
}
