using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Identities;
using Liaison.Core.Workspaces;
using Liaison.Server.Data;
using Liaison.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>Team members, their invitations, and personal API tokens.</summary>
public static class AccountsApi
{
    public sealed record MemberView(long Id, string DisplayName, string Email, string Role);
    public sealed record TokenView(long Id, string Name, Instant CreatedAt, Instant? LastUsedAt, Instant? RevokedAt);
    public sealed record IssuedToken(long Id, string Name, string Token);
    public sealed record NewToken([property: MaxLength(100)] string? Name);
    public sealed record NewInvitation([property: MaxLength(254)] string? Email, [property: MaxLength(200)] string? DisplayName);
    public sealed record IssuedInvitation(long Id, string Email, Instant ExpiresAt, string AcceptPath);

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        api.MapGet("/members", (LiaisonDb db, CancellationToken ct) => ListMembers(db, ct)).WithTags("Members");
        api.MapPost("/members/invitations", (NewInvitation request, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
            Invite(db, http.User.MemberId(), request, clock.GetCurrentInstant(), ct)).WithTags("Members");

        var tokens = api.MapGroup("/tokens").WithTags("API tokens");
        tokens.MapGet("/", (LiaisonDb db, HttpContext http, CancellationToken ct) => ListTokens(db, http.User.MemberId(), ct));
        tokens.MapPost("/", async (NewToken request, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
        {
            var issued = await IssueTokenAsync(db, http.User.MemberId()!.Value, request.Name, clock.GetCurrentInstant(), ct);
            return TypedResults.Created($"/api/tokens/{issued.Id}", issued);
        });
        tokens.MapDelete("/{id:long}", (long id, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
            RevokeToken(db, http.User.MemberId(), id, clock.GetCurrentInstant(), ct));
        return api;
    }

    public static async Task<Ok<List<MemberView>>> ListMembers(LiaisonDb db, CancellationToken ct) => TypedResults.Ok(
        await db.Members.AsNoTracking().OrderBy(m => m.DisplayName)
            .Select(m => new MemberView(m.Id, m.DisplayName, m.Email, m.Role.ToString())).ToListAsync(ct));

    /// <summary>The member's own tokens, newest first; a token is only ever listed to the member it acts as.</summary>
    public static async Task<Ok<List<TokenView>>> ListTokens(LiaisonDb db, long? memberId, CancellationToken ct) => TypedResults.Ok(
        await db.ApiTokens.AsNoTracking().Where(t => t.MemberId == memberId).OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenView(t.Id, t.Name, t.CreatedAt, t.LastUsedAt, t.RevokedAt)).ToListAsync(ct));

    public static async Task<Results<NoContent, NotFound>> RevokeToken(LiaisonDb db, long? memberId, long id, Instant now, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.MemberId == memberId, ct);
        if (token is null) return TypedResults.NotFound();
        token.Revoke(now);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<IssuedToken> IssueTokenAsync(LiaisonDb db, long memberId, string? name, Instant now, CancellationToken ct)
    {
        var (token, plain) = ApiToken.Issue(memberId, name ?? "", now);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new IssuedToken(token.Id, token.Name, plain);
    }

    public static async Task<IssuedInvitation> Invite(LiaisonDb db, long? inviterId, NewInvitation request, Instant now, CancellationToken ct)
    {
        var inviter = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == inviterId, ct);
        if (inviter?.Role != MemberRole.Owner)
            throw new DomainRuleException("members.invite.owner-only", "Only the owner invites team members.");
        var email = IdentityAddress.Normalize(ChannelKind.Email, request.Email);
        if (await db.Members.AnyAsync(m => m.Email == email, ct))
            throw new DomainConflictException("members.invite.already-member", $"{email} is already a member.", "email");
        var (invitation, plain) = Invitation.Create(email, request.DisplayName, now);
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        return new IssuedInvitation(invitation.Id, email, invitation.ExpiresAt, $"/invite/{plain}");
    }

    /// <summary>Turns an invitation into a team member with a password; the link works once.</summary>
    public static async Task<Member> AcceptInvitationAsync(LiaisonDb db, UserManager<User> users, string plainToken, string? displayName, string password, Instant now, CancellationToken ct)
    {
        var hash = ApiToken.HashOf(plainToken);
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null || !invitation.IsUsable(now))
            throw new DomainRuleException("invitation.unusable", "This invitation link is unknown, used or expired. Ask the owner for a new one.");
        return await db.InTransactionAsync(async () =>
        {
            var workspaceId = await db.Workspaces.OrderBy(w => w.Id).Select(w => w.Id).FirstAsync(ct);
            var member = new Member(workspaceId, string.IsNullOrWhiteSpace(displayName) ? invitation.DisplayName ?? "" : displayName, invitation.Email, MemberRole.TeamMember, now);
            db.Members.Add(member);
            await db.SaveChangesAsync(ct);
            await OwnerSetup.CreateUserAsync(users, member, password);
            invitation.Accept(now);
            return member;
        }, ct);
    }
}
