using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Auth;

/// <summary>
/// Makes every sign-in cookie a session the server can end. Each sign-in gets its own id, carried in
/// the cookie and kept as a row of Identity's user-token table (no schema of our own); every request
/// checks that row, the account's security stamp and its lockout. So logging out ends that one
/// browser's session, "sign out everywhere" and a password change end all of a member's sessions,
/// and rotating the security stamp or locking or deleting the account (removing a member) ends them
/// at the next request. API tokens are not sessions: they stay until revoked.
/// </summary>
/// <remarks>
/// The check is one primary-key lookup joined to the user row per request that carries the cookie;
/// nothing is cached, so an ended session is refused at once, also when another process ended it.
/// </remarks>
public sealed class ServerSessions(IDbContextFactory<LiaisonDb> dbs, IClock clock, IOptions<IdentityOptions> identity) : CookieAuthenticationEvents
{
    public const string SessionClaim = "liaison:session";
    internal const string LoginProvider = "Liaison.Session";

    /// <summary>Last use is written at most this often: enough to forget sessions nobody uses, and no write per request.</summary>
    private static readonly Duration LastSeenPrecision = Duration.FromHours(1);

    /// <summary>Longer than the cookie's 14-day sliding lifetime: a session unused this long can't be used again.</summary>
    private static readonly Duration Forgotten = Duration.FromDays(15);

    public override async Task SigningIn(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity signingIn || UserIdOf(context.Principal) is not { } userId)
            throw new InvalidOperationException("A sign-in cookie needs the account's id.");
        foreach (var stale in signingIn.FindAll(SessionClaim).ToList()) signingIn.RemoveClaim(stale);
        var sessionId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        signingIn.AddClaim(new Claim(SessionClaim, sessionId));

        var now = clock.GetCurrentInstant();
        await using var db = await dbs.CreateDbContextAsync(context.HttpContext.RequestAborted);
        var sessions = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider).ToListAsync(context.HttpContext.RequestAborted);
        db.UserTokens.RemoveRange(sessions.Where(s => now - LastSeen(s.Value) > Forgotten));
        db.UserTokens.Add(new IdentityUserToken<long> { UserId = userId, LoginProvider = LoginProvider, Name = sessionId, Value = Format(now) });
        await db.SaveChangesAsync(context.HttpContext.RequestAborted);
    }

    public override async Task SigningOut(CookieSigningOutContext context)
    {
        var user = context.HttpContext.User;
        if (UserIdOf(user) is { } userId && user.FindFirstValue(SessionClaim) is { } sessionId)
            await EndAsync(userId, sessionId, context.HttpContext.RequestAborted);
    }

    /// <summary>A signed-in member on an owner's page is refused, not sent to sign in again as if signed out.</summary>
    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (await IsLiveAsync(context.Principal, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }

    /// <summary>Whether this signed-in principal's session still stands: not ended, same security stamp, account not locked or gone.</summary>
    public async Task<bool> IsLiveAsync(ClaimsPrincipal? principal, CancellationToken ct)
    {
        if (principal is null || UserIdOf(principal) is not { } userId
            || principal.FindFirstValue(SessionClaim) is not { } sessionId
            || principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType) is not { } stamp)
            return false;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var session = await db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == sessionId)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { t.Value, u.SecurityStamp, u.LockoutEnd })
            .FirstOrDefaultAsync(ct);
        var now = clock.GetCurrentInstant();
        if (session is null || session.SecurityStamp != stamp || session.LockoutEnd > now.ToDateTimeOffset()) return false;
        if (now - LastSeen(session.Value) > LastSeenPrecision)
        {
            var seen = Format(now);
            await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == sessionId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, seen), ct);
        }
        return true;
    }

    public async Task EndAsync(long userId, string sessionId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == sessionId).ExecuteDeleteAsync(ct);
    }

    /// <summary>Ends every sign-in session of the account (all browsers); its API tokens are left alone.</summary>
    public async Task EndAllAsync(long userId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider).ExecuteDeleteAsync(ct);
    }

    private long? UserIdOf(ClaimsPrincipal? principal) =>
        long.TryParse(principal?.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string Format(Instant at) => InstantPattern.ExtendedIso.Format(at);

    private static Instant LastSeen(string? value) => value is not null && InstantPattern.ExtendedIso.Parse(value) is { Success: true } parsed ? parsed.Value : Instant.MinValue;
}
