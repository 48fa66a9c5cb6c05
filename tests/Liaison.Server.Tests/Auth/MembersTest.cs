using System.Net;
using Liaison.Core;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Liaison.Server.Tests.Clients;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Auth;

/// <summary>The owner sees the team, removes a member (their access ends at once), and withdraws an invitation.</summary>
public class MembersTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RemovedMember_CannotSignIn_AndTheirTokensStopAtOnce(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync("Rita Removed");
        var asMember = app.ApiAs(member);
        var second = await (await asMember.Post("/api/tokens", new { name = "second script" })).Json(HttpStatusCode.Created);
        var secondClient = app.CreateClient();
        secondClient.DefaultRequestHeaders.Authorization = new("Bearer", second["token"]!.GetValue<string>());
        await (await asMember.GetAsync("/api/clients")).Json(HttpStatusCode.OK);
        Assert.NotNull(await app.SignedInBrowserAsync(member.Email, member.Password));
        var listed = await (await app.Api().GetAsync("/api/members")).Json(HttpStatusCode.OK);
        Assert.Equal("TeamMember", listed.AsArray().Single(m => m!.Id() == member.Id)!["role"]!.GetValue<string>());
        Assert.Equal("Owner", listed.AsArray().Single(m => m!.Id() == app.OwnerMemberId)!["role"]!.GetValue<string>());

        await (await app.Api().DeleteAsync($"/api/members/{member.Id}")).Json(HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await asMember.GetAsync("/api/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await secondClient.GetAsync("/api/clients")).StatusCode);
        Assert.Null(await app.SignedInBrowserAsync(member.Email, member.Password));
        Assert.DoesNotContain((await (await app.Api().GetAsync("/api/members")).Json(HttpStatusCode.OK)).AsArray(), m => m!.Id() == member.Id);
        Assert.False(await app.WithDb(d => d.Users.AnyAsync(u => u.MemberId == member.Id)));
        Assert.DoesNotContain(await app.WithDb(d => d.ApiTokens.Where(t => t.MemberId == member.Id).Select(t => t.RevokedAt).ToListAsync()), r => r is null);
        await (await app.Api().DeleteAsync($"/api/members/{member.Id}")).Json(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Owner_CannotRemoveThemselves(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var problem = await (await app.Api().DeleteAsync($"/api/members/{app.OwnerMemberId}")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("members.remove.self", problem["rule"]!.GetValue<string>());
        await (await app.Api().GetAsync("/api/clients")).Json(HttpStatusCode.OK);
        Assert.NotNull(await app.SignedInBrowserAsync(TeamMembers.OwnerEmail, TeamMembers.OwnerPassword));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ClientsOfARemovedMember_KeepWorking_AndTheirNotesKeepTheirName(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync("Nora Noted");
        var api = app.Api();
        var clientId = (await (await api.Post("/api/clients", new { name = "Nora's client", responsibleMemberId = member.Id })).Json(HttpStatusCode.Created)).Id();
        await (await app.ApiAs(member).Post($"/api/clients/{clientId}/notes", new { text = "Called them, all fine." })).Json(HttpStatusCode.Created);
        await (await api.Put($"/api/clients/{clientId}/agreement", await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK))).Json(HttpStatusCode.OK);

        await (await api.DeleteAsync($"/api/members/{member.Id}")).Json(HttpStatusCode.NoContent);

        var client = await (await api.GetAsync($"/api/clients/{clientId}")).Json(HttpStatusCode.OK);
        Assert.Equal(member.Id, client["responsibleMemberId"]!.GetValue<long>());
        await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{clientId}/working-together")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{clientId}/promise-preview")).Json(HttpStatusCode.OK);
        await (await api.Put($"/api/clients/{clientId}", new { name = "Nora's client, now Olga's", responsibleMemberId = app.OwnerMemberId })).Json(HttpStatusCode.OK);
        Assert.Equal("Nora Noted", await app.WithDb(d => d.Members.Where(m => m.Id == member.Id).Select(m => m.DisplayName).SingleAsync()));
        Assert.True(await app.WithDb(d => d.Notes.AnyAsync(n => n.ClientId == clientId && n.AuthorMemberId == member.Id)));

        // A removed member is no longer someone a client can be given to.
        var problem = await (await api.Put($"/api/clients/{clientId}", new { name = "Back to Nora?", responsibleMemberId = member.Id })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("responsibleMemberId", problem["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RemovedMember_InvitedAgain_ComesBackAsTheSameMember(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync("Ben Back");
        await (await app.Api().DeleteAsync($"/api/members/{member.Id}")).Json(HttpStatusCode.NoContent);

        var invitation = await (await app.Api().Post("/api/members/invitations", new { email = member.Email })).Json(HttpStatusCode.OK);
        var back = await AcceptAsync(app, TeamMembers.InvitationToken(invitation["acceptPath"]!.GetValue<string>()), "another long passphrase");

        Assert.Equal(member.Id, back.Id);
        Assert.NotNull(await app.SignedInBrowserAsync(member.Email, "another long passphrase"));
        Assert.Contains((await (await app.Api().GetAsync("/api/members")).Json(HttpStatusCode.OK)).AsArray(), m => m!.Id() == member.Id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WithdrawnInvitation_IsNoLongerPending_AndItsLinkNoLongerWorks(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var email = $"{ApiCalls.Unique("maybe")}@example.com";
        var invitation = await (await app.Api().Post("/api/members/invitations", new { email, displayName = "Maybe Later" })).Json(HttpStatusCode.OK);
        var pending = await (await app.Api().GetAsync("/api/members/invitations")).Json(HttpStatusCode.OK);
        Assert.Equal(email, pending.AsArray().Single(i => i!.Id() == invitation.Id())!["email"]!.GetValue<string>());

        await (await app.Api().DeleteAsync($"/api/members/invitations/{invitation.Id()}")).Json(HttpStatusCode.NoContent);

        Assert.DoesNotContain((await (await app.Api().GetAsync("/api/members/invitations")).Json(HttpStatusCode.OK)).AsArray(), i => i!.Id() == invitation.Id());
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            AcceptAsync(app, TeamMembers.InvitationToken(invitation["acceptPath"]!.GetValue<string>()), "a long enough passphrase"));
        Assert.Equal("invitation.unusable", refused.Rule);
        Assert.False(await app.WithDb(d => d.Members.AnyAsync(m => m.Email == email)));
        await (await app.Api().DeleteAsync($"/api/members/invitations/{invitation.Id()}")).Json(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AcceptedInvitation_IsNotPending_AndCannotBeWithdrawn(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync();
        var accepted = await app.WithDb(d => d.Invitations.Where(i => i.Email == member.Email).Select(i => i.Id).SingleAsync());

        Assert.DoesNotContain((await (await app.Api().GetAsync("/api/members/invitations")).Json(HttpStatusCode.OK)).AsArray(), i => i!.Id() == accepted);
        await (await app.Api().DeleteAsync($"/api/members/invitations/{accepted}")).Json(HttpStatusCode.NotFound);
        await (await app.ApiAs(member).GetAsync("/api/clients")).Json(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TeamUseCases_CalledForATeamMember_AreRefused(DatabaseProvider db)
    {
        // The Settings page calls these directly, past the endpoints' policy: they check the role themselves.
        var app = await apps.For(db);
        var member = await app.NewTeamMemberAsync();
        var other = await app.NewTeamMemberAsync("Other Mate");
        var invitationId = (await (await app.Api().Post("/api/members/invitations", new { email = $"{ApiCalls.Unique("kept")}@example.com" })).Json(HttpStatusCode.OK)).Id();
        await using var scope = app.Services.CreateAsyncScope();
        var data = scope.ServiceProvider.GetRequiredService<LiaisonDb>();
        var now = SystemClock.Instance.GetCurrentInstant();

        var remove = await Assert.ThrowsAsync<DomainRuleException>(() =>
            AccountsApi.RemoveMember(data, scope.ServiceProvider.GetRequiredService<UserManager<User>>(), member.Id, other.Id, now, default));
        var withdraw = await Assert.ThrowsAsync<DomainRuleException>(() => AccountsApi.WithdrawInvitation(data, member.Id, invitationId, now, default));

        Assert.Equal("members.owner-only", remove.Rule);
        Assert.Equal("members.owner-only", withdraw.Rule);
        Assert.True(await app.WithDb(d => d.Users.AnyAsync(u => u.MemberId == other.Id)));
        Assert.True(await app.WithDb(d => d.Invitations.AnyAsync(i => i.Id == invitationId)));
    }

    private static async Task<Core.Workspaces.Member> AcceptAsync(LiaisonApp app, string token, string password)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await AccountsApi.AcceptInvitationAsync(scope.ServiceProvider.GetRequiredService<LiaisonDb>(), scope.ServiceProvider.GetRequiredService<UserManager<User>>(),
            token, null, password, SystemClock.Instance.GetCurrentInstant(), default);
    }
}
