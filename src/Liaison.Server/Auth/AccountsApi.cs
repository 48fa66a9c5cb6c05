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
    public sealed record PendingInvitation(long Id, string Email, string? DisplayName, Instant CreatedAt, Instant ExpiresAt);

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        api.MapOwnAccount();
        // Who is on the team and who may join is the owner's to see and change.
        var members = api.MapGroup("/members").WithTags("Members").RequireAuthorization(AuthServices.OwnerPolicy);
        members.MapGet("/", (LiaisonDb db, CancellationToken ct) => ListMembers(db, ct));
        members.MapDelete("/{id:long}", (long id, LiaisonDb db, UserManager<User> users, IClock clock, HttpContext http, CancellationToken ct) =>
                RemoveMember(db, users, http.User.MemberId(), id, clock.GetCurrentInstant(), ct))
            .WithDescription("Removes a team member: they can no longer sign in, their API tokens stop working and their sessions end. " +
                             "What they wrote stays, and clients they are responsible for keep working.");
        members.MapPost("/invitations", (NewInvitation request, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
            Invite(db, http.User.MemberId(), request, clock.GetCurrentInstant(), ct));
        members.MapGet("/invitations", (LiaisonDb db, IClock clock, CancellationToken ct) => ListInvitations(db, clock.GetCurrentInstant(), ct))
            .WithDescription("Invitations not yet accepted and not expired.");
        members.MapDelete("/invitations/{id:long}", (long id, LiaisonDb db, IClock clock, HttpContext http, CancellationToken ct) =>
                WithdrawInvitation(db, http.User.MemberId(), id, clock.GetCurrentInstant(), ct))
            .WithDescription("Withdraws a pending invitation: its link no longer works.");

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
        await Current(db).AsNoTracking().OrderBy(m => m.DisplayName)
            .Select(m => new MemberView(m.Id, m.DisplayName, m.Email, m.Role.ToString())).ToListAsync(ct));

    /// <summary>
    /// The members who can sign in. A removed member keeps their row (and so their name on what they
    /// wrote and on the clients they were responsible for) but loses their sign-in account.
    /// </summary>
    public static IQueryable<Member> Current(LiaisonDb db) => db.Members.Where(m => db.Users.Any(u => u.MemberId == m.Id));

    /// <summary>
    /// Ends a team member's access at once: their tokens are revoked, their security stamp changes (so
    /// every cookie of theirs fails its next check) and their sign-in account is deleted.
    /// </summary>
    public static async Task<Results<NoContent, NotFound>> RemoveMember(LiaisonDb db, UserManager<User> users, long? actingId, long id, Instant now, CancellationToken ct)
    {
        await RequireOwnerAsync(db, actingId, ct);
        if (id == actingId)
            throw new DomainRuleException("members.remove.self", "The owner cannot remove themselves.", "id");
        var member = await Current(db).AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (member is null) return TypedResults.NotFound();
        if (member.Role == MemberRole.Owner)
            throw new DomainRuleException("members.remove.owner", "The owner cannot be removed.", "id");
        return await db.InTransactionAsync<Results<NoContent, NotFound>>(async () =>
        {
            await db.ApiTokens.Where(t => t.MemberId == id && t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            foreach (var user in await db.Users.Where(u => u.MemberId == id).ToListAsync(ct))
            {
                Succeeded(await users.UpdateSecurityStampAsync(user));
                Succeeded(await users.DeleteAsync(user));
            }
            return TypedResults.NoContent();
        }, ct);
    }

    public static async Task<Ok<List<PendingInvitation>>> ListInvitations(LiaisonDb db, Instant now, CancellationToken ct) => TypedResults.Ok(
        await db.Invitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.ExpiresAt > now).OrderByDescending(i => i.CreatedAt)
            .Select(i => new PendingInvitation(i.Id, i.Email, i.DisplayName, i.CreatedAt, i.ExpiresAt)).ToListAsync(ct));

    /// <summary>Deletes a pending invitation, so its link is as unknown as a made-up one; an accepted one is history and stays.</summary>
    public static async Task<Results<NoContent, NotFound>> WithdrawInvitation(LiaisonDb db, long? actingId, long id, Instant now, CancellationToken ct)
    {
        await RequireOwnerAsync(db, actingId, ct);
        var deleted = await db.Invitations.Where(i => i.Id == id && i.AcceptedAt == null && i.ExpiresAt > now).ExecuteDeleteAsync(ct);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    // The pages call these use cases directly, without the endpoints' policy: they check the role themselves.
    private static async Task RequireOwnerAsync(LiaisonDb db, long? actingId, CancellationToken ct)
    {
        if (!await Current(db).AnyAsync(m => m.Id == actingId && m.Role == MemberRole.Owner, ct))
            throw new DomainRuleException("members.owner-only", "Only the owner manages the team.");
    }

    private static void Succeeded(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

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
        var inviter = await Current(db).AsNoTracking().FirstOrDefaultAsync(m => m.Id == inviterId, ct);
        if (inviter?.Role != MemberRole.Owner)
            throw new DomainRuleException("members.invite.owner-only", "Only the owner invites team members.");
        var email = AddressRules.EmailAddress(request.Email);
        if (await Current(db).AnyAsync(m => m.Email == email, ct))
            throw new DomainConflictException("members.invite.already-member", $"{email} is already a member.", "email");
        var (invitation, plain) = Invitation.Create(inviter.WorkspaceId, email, request.DisplayName, now);
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
            // Someone removed and invited again comes back as the member they were: what they wrote is theirs again.
            var member = await db.Members.FirstOrDefaultAsync(m => m.Email == invitation.Email, ct);
            if (member is null)
            {
                member = new Member(invitation.WorkspaceId, string.IsNullOrWhiteSpace(displayName) ? invitation.DisplayName ?? "" : displayName, invitation.Email, MemberRole.TeamMember, now);
                db.Members.Add(member);
                await db.SaveChangesAsync(ct);
            }
            else if (await db.Users.AnyAsync(u => u.MemberId == member.Id, ct))
            {
                throw new DomainConflictException("members.invite.already-member", $"{invitation.Email} is already a member.", "email");
            }
            await OwnerSetup.CreateUserAsync(users, member, password);
            invitation.Accept(now);
            return member;
        }, ct);
    }
}
