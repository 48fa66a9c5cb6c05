using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>A team member who joined through the owner's invitation, with a password and an API token of their own.</summary>
public sealed record TeamMember(long Id, string Email, string Password, string Token);

public static partial class TeamMembers
{
    public const string OwnerEmail = "owner@example.com";
    public const string OwnerPassword = "correct horse battery";

    /// <summary>Invites someone as the owner and accepts the invitation as they would, then gives them a token.</summary>
    public static async Task<TeamMember> NewTeamMemberAsync(this LiaisonApp app, string name = "Tom Teammate", string password = "a long team passphrase")
    {
        var email = $"{ApiCalls.Unique("mate")}@example.com";
        var invitation = await (await app.Api().Post("/api/members/invitations", new { email, displayName = name })).Json(HttpStatusCode.OK);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDb>();
        var now = SystemClock.Instance.GetCurrentInstant();
        var member = await AccountsApi.AcceptInvitationAsync(db, scope.ServiceProvider.GetRequiredService<UserManager<User>>(),
            InvitationToken(invitation["acceptPath"]!.GetValue<string>()), name, password, now, default);
        var token = (await AccountsApi.IssueTokenAsync(db, member.Id, "member's script", now, default)).Token;
        return new TeamMember(member.Id, email, password, token);
    }

    /// <param name="UserId">the member's sign-in account.</param>
    public sealed record Joined(long MemberId, long UserId, string Email, string Password, string Token);

    /// <summary>A new team member, with the id of their sign-in account too (for tests that lock, delete or inspect it).</summary>
    public static async Task<Joined> JoinAsync(LiaisonApp app, string password = "a team member's passphrase")
    {
        var member = await app.NewTeamMemberAsync("Member", password);
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByEmailAsync(member.Email);
        return new Joined(member.Id, user!.Id, member.Email, member.Password, member.Token);
    }

    public static string InvitationToken(string acceptPath) => acceptPath["/invite/".Length..];

    /// <summary>An HTTP client that calls the API with the member's token.</summary>
    public static HttpClient ApiAs(this LiaisonApp app, TeamMember member)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        return client;
    }

    /// <summary>
    /// A browser-like client that signed in through the sign-in form, so it carries the cookie;
    /// null when the form refused the e-mail and password.
    /// </summary>
    public static async Task<HttpClient?> SignedInBrowserAsync(this LiaisonApp app, string email, string password)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/login");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, "The sign-in form carries an antiforgery token.");
        var answer = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
            ["Form.Email"] = email,
            ["Form.Password"] = password,
        }));
        return answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther ? browser : null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
