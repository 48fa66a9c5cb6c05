using System.Net;
using Liaison.Core.Workspaces;
using Liaison.Server.Auth;
using Liaison.Server.Tests.Clients;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Auth;

/// <summary>What a member creates belongs to the member's workspace, not to whichever workspace is first.</summary>
public class WorkspaceOfRequestTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WhatAMemberCreates_BelongsToTheMembersWorkspace(DatabaseProvider db)
    {
        // Its own server: a second workspace would confuse the shared one's single-workspace reads.
        await using var app = new LiaisonApp(db);
        await app.StartAsync();
        var first = await app.WithDb(d => d.Members.Where(m => m.Id == app.OwnerMemberId).Select(m => m.WorkspaceId).SingleAsync());
        var (second, secondOwnersToken) = await app.WithDb(async d =>
        {
            var now = SystemClock.Instance.GetCurrentInstant();
            var workspace = new Workspace("Second workspace", now);
            d.Workspaces.Add(workspace);
            await d.SaveChangesAsync();
            var owner = new Member(workspace.Id, "Wanda Second", "wanda@example.com", MemberRole.Owner, now);
            d.Members.Add(owner);
            await d.SaveChangesAsync();
            await using var scope = app.Services.CreateAsyncScope();
            await OwnerSetup.CreateUserAsync(scope.ServiceProvider.GetRequiredService<UserManager<User>>(), owner, "the second owner's passphrase");
            return (workspace.Id, (await AccountsApi.IssueTokenAsync(d, owner.Id, "second", now, default)).Token);
        });
        Assert.NotEqual(first, second);
        var api = app.Api();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secondOwnersToken);

        var clientId = await ClientsApiTest.NewClient(api, "Second's client");
        Assert.Equal(second, await app.WithDb(d => d.Clients.Where(c => c.Id == clientId).Select(c => c.WorkspaceId).SingleAsync()));

        var channelId = (await (await api.Post("/api/channels", new { kind = "whatsapp", name = ApiCalls.Unique("wa"), settings = new { appSecret = "s3cret", verifyToken = "v3rify" } }))
            .Json(HttpStatusCode.Created)).Id();
        Assert.Equal(second, await app.WithDb(d => d.Channels.Where(c => c.Id == channelId).Select(c => c.WorkspaceId).SingleAsync()));

        var template = await (await api.GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
        await (await api.Put("/api/agreement-template", template)).Json(HttpStatusCode.OK);
        Assert.Equal([second], await app.WithDb(d => d.AgreementTemplates.Select(t => t.WorkspaceId).ToListAsync()));

        var email = $"{ApiCalls.Unique("stranger")}@example.com";
        await (await api.Post("/api/messages", new { channel = "email", counterpart = email, counterpartName = "Stan Stranger", text = "Hello?" })).Json(HttpStatusCode.Created);
        var sender = (await (await api.GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK)).AsArray().Single(s => s!["address"]!.GetValue<string>() == email)!;
        var fromSender = (await (await api.Post($"/api/unknown-senders/{sender.Id()}/create-client", new { })).Json(HttpStatusCode.Created)).Id();
        Assert.Equal(second, await app.WithDb(d => d.Clients.Where(c => c.Id == fromSender).Select(c => c.WorkspaceId).SingleAsync()));

        var invitation = await (await api.Post("/api/members/invitations", new { email = $"{ApiCalls.Unique("second-mate")}@example.com", displayName = "Sam Second" })).Json(HttpStatusCode.OK);
        Member secondsMember;
        await using (var scope = app.Services.CreateAsyncScope())
            secondsMember = await AccountsApi.AcceptInvitationAsync(scope.ServiceProvider.GetRequiredService<Data.LiaisonDb>(), scope.ServiceProvider.GetRequiredService<UserManager<User>>(),
                TeamMembers.InvitationToken(invitation["acceptPath"]!.GetValue<string>()), null, "a second team passphrase", SystemClock.Instance.GetCurrentInstant(), default);
        Assert.Equal(second, secondsMember.WorkspaceId);

        // The first workspace's owner still works in the first one, and their invitation still brings someone in.
        var firstsClient = await ClientsApiTest.NewClient(app.Api(), "First's client");
        Assert.Equal(first, await app.WithDb(d => d.Clients.Where(c => c.Id == firstsClient).Select(c => c.WorkspaceId).SingleAsync()));
        var joined = await app.NewTeamMemberAsync();
        Assert.Equal(first, await app.WithDb(d => d.Members.Where(m => m.Id == joined.Id).Select(m => m.WorkspaceId).SingleAsync()));
        var membersClient = await ClientsApiTest.NewClient(app.ApiAs(joined), "Member's client");
        Assert.Equal(first, await app.WithDb(d => d.Clients.Where(c => c.Id == membersClient).Select(c => c.WorkspaceId).SingleAsync()));
    }
}
