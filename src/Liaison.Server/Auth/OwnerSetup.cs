using Liaison.Core;
using Liaison.Core.Identities;
using Liaison.Core.Workspaces;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>
/// First run: creates the workspace and its owner. Used by the setup page and by
/// `Liaison.Server setup --owner-email E --password P`; refuses once an owner exists.
/// </summary>
public sealed class OwnerSetup(LiaisonDb db, UserManager<User> users, IClock clock, OwnerSetup.State state)
{
    /// <summary>Once set up, always set up: remembered per host so the gate skips the query after the first yes.</summary>
    public sealed class State
    {
        internal volatile bool Done;
    }

    public async Task<bool> IsDoneAsync(CancellationToken ct)
    {
        if (state.Done) return true;
        state.Done = await db.Members.AnyAsync(ct);
        return state.Done;
    }

    public async Task<Member> RunAsync(string email, string password, string? displayName, string? workspaceName, CancellationToken ct)
    {
        if (await db.Members.AnyAsync(ct))
            throw new DomainConflictException("setup.already-done", "Liaison is already set up: an owner exists. Sign in, or invite team members from Settings.");
        var normalized = AddressRules.EmailAddress(email);
        var now = clock.GetCurrentInstant();
        return await db.InTransactionAsync(async () =>
        {
            var workspace = new Workspace(string.IsNullOrWhiteSpace(workspaceName) ? "My workspace" : workspaceName, now);
            db.Workspaces.Add(workspace);
            await db.SaveChangesAsync(ct);
            var member = new Member(workspace.Id, displayName ?? "", normalized, MemberRole.Owner, now);
            db.Members.Add(member);
            await db.SaveChangesAsync(ct);
            await CreateUserAsync(users, member, password);
            return member;
        }, ct);
    }

    /// <summary>Creates the sign-in account; a password the policy refuses becomes a rule naming the field.</summary>
    internal static async Task CreateUserAsync(UserManager<User> users, Member member, string password)
    {
        var result = await users.CreateAsync(new User { UserName = member.Email, Email = member.Email, EmailConfirmed = true, MemberId = member.Id }, password);
        if (!result.Succeeded)
            throw new DomainRuleException("account.password.rejected", string.Join(" ", result.Errors.Select(e => e.Description)), "password");
    }
}
