using System.Net;
using System.Net.Http.Headers;

namespace Liaison.Server.Tests.Auth;

public class ApiAuthenticationTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Api_WithoutOrWithAWrongToken_Is401(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/clients")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "lia_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Token_CreatedThenRevoked_StopsWorking(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var issued = await (await app.Api().Post("/api/tokens", new { name = "script" })).Json(HttpStatusCode.Created);
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/clients")).StatusCode);

        await (await app.Api().DeleteAsync($"/api/tokens/{issued.Id()}")).Json(HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Api_IgnoresTheSignInCookie(DatabaseProvider db)
    {
        // The API takes tokens only, so a page on another site can't make the owner's browser act.
        var app = await apps.For(db);
        var browser = app.CreateClient();
        browser.DefaultRequestHeaders.Add("Cookie", "liaison=anything");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/clients")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task HealthAndOpenApi_AnswerWithoutSignIn(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/clients/{clientId}/timeline", openApi);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Invitation_ByTheOwner_GivesALinkForANewTeamMember(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var email = $"{ApiCalls.Unique("mate")}@example.com";
        var invitation = await (await app.Api().Post("/api/members/invitations", new { email, displayName = "Mate" })).Json(HttpStatusCode.OK);
        Assert.StartsWith("/invite/", invitation["acceptPath"]!.GetValue<string>());
        var again = await (await app.Api().Post("/api/members/invitations", new { email = "not-an-email" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("address", again["field"]!.GetValue<string>());
    }
}
