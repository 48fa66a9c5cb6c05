using Microsoft.AspNetCore.Identity;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>
/// Signing in with e-mail and password, throttled per client and per address (<see cref="SignInThrottle"/>)
/// instead of locking the account. An unknown address costs the same password hash as a wrong
/// password and gets the same answer, so neither the words nor the timing tell which addresses exist.
/// </summary>
public sealed class PasswordSignIn(SignInManager<User> signIn, UserManager<User> users, IPasswordHasher<User> hasher, SignInThrottle throttle)
{
    public enum Outcome { SignedIn, Refused, Throttled }

    public sealed record Result(Outcome Outcome, Duration? RetryAfter = null);

    /// <summary>A hash of a password nobody knows, checked when there is no account to check against.</summary>
    private static string? dummyHash;

    public async Task<Result> SignInAsync(string? email, string? password, HttpContext http)
    {
        var address = (email ?? "").Trim();
        var client = SignInThrottle.ClientOf(http);
        if (throttle.RetryAfter(address, client) is { } wait) return new Result(Outcome.Throttled, wait);

        var user = address.Length == 0 ? null : await users.FindByNameAsync(address);
        var signedIn = false;
        if (user is null)
            CheckAgainstNobody(password);
        else
        {
            // Lockout only ends a removed member's access (the owner can lock an account); a wrong password never locks.
            var result = await signIn.PasswordSignInAsync(user, password ?? "", isPersistent: true, lockoutOnFailure: false);
            if (result.IsLockedOut) CheckAgainstNobody(password);
            signedIn = result.Succeeded;
        }
        if (!signedIn)
        {
            throttle.Failed(address, client);
            return new Result(Outcome.Refused);
        }
        throttle.Succeeded(address, client);
        return new Result(Outcome.SignedIn);
    }

    private void CheckAgainstNobody(string? password)
    {
        var nobody = new User();
        dummyHash ??= hasher.HashPassword(nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        hasher.VerifyHashedPassword(nobody, dummyHash, password ?? "");
    }
}
