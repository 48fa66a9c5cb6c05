using Liaison.Core;
using Liaison.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Auth;

/// <summary>What every member does with their own account: change the password, sign out everywhere.</summary>
public static class OwnAccount
{
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public static RouteGroupBuilder MapOwnAccount(this RouteGroupBuilder api)
    {
        var account = api.MapGroup("/account").WithTags("Your account");
        // Ends every sign-in session of the member (all browsers); API tokens, this one included, keep working.
        account.MapPost("/password", async (PasswordChange request, UserManager<User> users, ServerSessions sessions, SignInThrottle throttle, HttpContext http) =>
        {
            await ChangePasswordAsync(users, sessions, throttle, http.User.MemberId(), request, SignInThrottle.ClientOf(http), http.RequestAborted);
            return TypedResults.NoContent();
        });
        // Sign out everywhere: ends every sign-in session of the member; API tokens are revoked one by one under /api/tokens.
        account.MapDelete("/sessions", async (UserManager<User> users, ServerSessions sessions, HttpContext http) =>
        {
            await SignOutEverywhereAsync(users, sessions, http.User.MemberId(), http.RequestAborted);
            return TypedResults.NoContent();
        });
        return api;
    }

    /// <summary>Checks the current password (throttled like signing in), applies the password rules to the new one, and ends every session.</summary>
    public static async Task<User> ChangePasswordAsync(UserManager<User> users, ServerSessions sessions, SignInThrottle throttle, long? memberId, PasswordChange request, string client, CancellationToken ct)
    {
        var user = await UserOfAsync(users, memberId, ct);
        if (throttle.RetryAfter(user.Email ?? "", client) is not null)
            throw new DomainRuleException("account.password.throttled", "Too many wrong passwords from here. Wait a few minutes, then try again.", "currentPassword");
        if (string.IsNullOrEmpty(request.NewPassword))
            throw new DomainRuleException("account.password.required", "Choose a new password.", "newPassword");
        var result = await users.ChangePasswordAsync(user, request.CurrentPassword ?? "", request.NewPassword);
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            throttle.Failed(user.Email ?? "", client);
            throw new DomainRuleException("account.password.wrong", "That is not your current password.", "currentPassword");
        }
        if (!result.Succeeded)
            throw new DomainRuleException("account.password.rejected", string.Join(" ", result.Errors.Select(e => e.Description)), "newPassword");
        await sessions.EndAllAsync(user.Id, ct);
        return user;
    }

    public static async Task SignOutEverywhereAsync(UserManager<User> users, ServerSessions sessions, long? memberId, CancellationToken ct) =>
        await sessions.EndAllAsync((await UserOfAsync(users, memberId, ct)).Id, ct);

    private static async Task<User> UserOfAsync(UserManager<User> users, long? memberId, CancellationToken ct) =>
        await users.Users.FirstOrDefaultAsync(u => u.MemberId == memberId, ct)
        ?? throw new DomainRuleException("account.unknown", "This member has no sign-in account.");
}
