using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Clients;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Auth;

/// <summary>What only the owner reaches: a team member, by token or by cookie, gets 403 there and changes nothing.</summary>
public class OwnerSurfacesTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task OwnerEndpoints_AnswerATeamMembersToken403_AndChangeNothing(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync();
        var other = await app.NewTeamMemberAsync("Other Mate");
        var channelId = (await (await app.Api().Post("/api/channels", new { kind = "whatsapp", name = ApiCalls.Unique("wa"), settings = new { appSecret = "s3cret", verifyToken = "v3rify" } }))
            .Json(HttpStatusCode.Created)).Id();
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Owner surfaces client");
        await (await app.Api().DeleteAsync($"/api/clients/{clientId}")).Json(HttpStatusCode.NoContent); // archived: deletable for good
        var invitationId = (await (await app.Api().Post("/api/members/invitations", new { email = $"{ApiCalls.Unique("later")}@example.com" })).Json(HttpStatusCode.OK)).Id();
        var template = await (await app.Api().GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
        var asMember = app.ApiAs(member);

        HttpRequestMessage[] ownerOnly =
        [
            new(HttpMethod.Get, "/api/channels"),
            new(HttpMethod.Post, "/api/channels") { Content = JsonContent.Create(new { kind = "whatsapp", name = "mine", settings = new { appSecret = "a", verifyToken = "b" } }) },
            new(HttpMethod.Get, $"/api/channels/{channelId}/settings"),
            new(HttpMethod.Put, $"/api/channels/{channelId}/settings") { Content = JsonContent.Create(new { settings = new { appSecret = "taken", verifyToken = "taken" } }) },
            new(HttpMethod.Delete, $"/api/channels/{channelId}"),
            new(HttpMethod.Get, "/api/members"),
            new(HttpMethod.Delete, $"/api/members/{other.Id}"),
            new(HttpMethod.Post, "/api/members/invitations") { Content = JsonContent.Create(new { email = "friend@example.com" }) },
            new(HttpMethod.Get, "/api/members/invitations"),
            new(HttpMethod.Delete, $"/api/members/invitations/{invitationId}"),
            new(HttpMethod.Get, $"/api/clients/{clientId}/export"),
            new(HttpMethod.Delete, $"/api/clients/{clientId}?permanent=true&confirm=true&export=true"),
            new(HttpMethod.Get, "/api/agreement-template"),
            new(HttpMethod.Put, "/api/agreement-template") { Content = JsonContent.Create(template) },
        ];
        foreach (var request in ownerOnly)
        {
            var answer = await asMember.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{request.Method} {request.RequestUri}: expected 403, got {(int)answer.StatusCode}");
        }

        // Nothing the member tried happened.
        Assert.Null(await app.WithDb(d => d.Channels.Where(c => c.Id == channelId).Select(c => c.DisconnectedAt).SingleAsync()));
        Assert.Equal(["appSecret", "verifyToken"], (await (await app.Api().GetAsync($"/api/channels/{channelId}/settings")).Json(HttpStatusCode.OK))["secrets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Contains((await (await app.Api().GetAsync("/api/members")).Json(HttpStatusCode.OK)).AsArray(), m => m!.Id() == other.Id);
        Assert.Contains((await (await app.Api().GetAsync("/api/members/invitations")).Json(HttpStatusCode.OK)).AsArray(), i => i!.Id() == invitationId);
        Assert.False(await app.WithDb(d => d.Invitations.AnyAsync(i => i.Email == "friend@example.com")));
        Assert.True(await app.WithDb(d => d.Clients.AnyAsync(c => c.Id == clientId)));
        Assert.False(await app.WithDb(d => d.Channels.AnyAsync(c => c.Name == "mine")));

        // The owner gets through the same doors.
        await (await app.Api().GetAsync("/api/channels")).Json(HttpStatusCode.OK);
        await (await app.Api().GetAsync($"/api/clients/{clientId}/export")).Json(HttpStatusCode.OK);
        await (await app.Api().Put("/api/agreement-template", template)).Json(HttpStatusCode.OK);
        await (await app.Api().DeleteAsync($"/api/clients/{clientId}?permanent=true&confirm=true")).Json(HttpStatusCode.NoContent);
        Assert.False(await app.WithDb(d => d.Clients.AnyAsync(c => c.Id == clientId)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TeamMembersToken_StillDoesTheSharedWork(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var asMember = app.ApiAs(await app.NewTeamMemberAsync());
        var clientId = await ClientsApiTest.NewClient(asMember, "Member's client");
        await (await asMember.GetAsync($"/api/clients/{clientId}")).Json(HttpStatusCode.OK);
        await (await asMember.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK);
        await (await asMember.DeleteAsync($"/api/clients/{clientId}")).Json(HttpStatusCode.NoContent);
        await (await asMember.Post($"/api/clients/{clientId}/restore", new { })).Json(HttpStatusCode.OK);
        var token = await (await asMember.Post("/api/tokens", new { name = "own script" })).Json(HttpStatusCode.Created);
        Assert.Contains((await (await asMember.GetAsync("/api/tokens")).Json(HttpStatusCode.OK)).AsArray(), t => t!.Id() == token.Id());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TeamMembersToken_CannotSeeOrRevokeTheOwnersTokens(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var asMember = app.ApiAs(await app.NewTeamMemberAsync());
        var ownersToken = await (await app.Api().Post("/api/tokens", new { name = "owner's backup" })).Json(HttpStatusCode.Created);

        Assert.DoesNotContain((await (await asMember.GetAsync("/api/tokens")).Json(HttpStatusCode.OK)).AsArray(), t => t!.Id() == ownersToken.Id());
        await (await asMember.DeleteAsync($"/api/tokens/{ownersToken.Id()}")).Json(HttpStatusCode.NotFound);
        Assert.Null(await app.WithDb(d => d.ApiTokens.Where(t => t.Id == ownersToken.Id()).Select(t => t.RevokedAt).SingleAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ChannelsPage_AnswersATeamMember403_AndIsLeftOutOfTheirMenu(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync();
        var memberBrowser = await app.SignedInBrowserAsync(member.Email, member.Password);
        var ownerBrowser = await app.SignedInBrowserAsync(TeamMembers.OwnerEmail, TeamMembers.OwnerPassword);
        Assert.NotNull(memberBrowser);
        Assert.NotNull(ownerBrowser);

        Assert.Equal(HttpStatusCode.Forbidden, (await memberBrowser.GetAsync("/channels")).StatusCode);
        var memberHome = await memberBrowser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, memberHome.StatusCode);
        Assert.DoesNotContain("data-testid=\"nav-channels\"", await memberHome.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await ownerBrowser.GetAsync("/channels")).StatusCode);
        Assert.Contains("data-testid=\"nav-channels\"", await ownerBrowser.GetStringAsync("/"));
    }
}
