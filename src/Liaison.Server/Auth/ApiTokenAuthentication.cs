using System.Security.Claims;
using System.Text.Encodings.Web;
using Liaison.Server.Data;
using Liaison.Server.Features;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>Authenticates REST calls carrying "Authorization: Bearer lia_…" against the stored token hashes.</summary>
public sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<LiaisonDb> dbs, IClock clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var plain = header["Bearer ".Length..].Trim();
        if (!plain.StartsWith(ApiToken.Prefix, StringComparison.Ordinal)) return AuthenticateResult.Fail("Not a Liaison API token.");

        var hash = ApiToken.HashOf(plain);
        await using var db = await dbs.CreateDbContextAsync(Context.RequestAborted);
        var token = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Hash == hash && t.RevokedAt == null)
            .Select(t => new { t.Id, t.MemberId, t.LastUsedAt, Member = db.Members.Where(m => m.Id == t.MemberId).Select(m => new { m.Role, m.WorkspaceId }).First() })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("Unknown or revoked API token.");

        // Last use to the minute is enough for "is this token still in use?", and saves a write per call.
        var now = clock.GetCurrentInstant();
        if (token.LastUsedAt is null || now - token.LastUsedAt.Value > Duration.FromMinutes(1))
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);

        // A token acts as its member, with the member's role: a team member's token is no key to the owner's surfaces.
        var identity = new ClaimsIdentity([
            new Claim(RequestValues.MemberClaim, token.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Role, token.Member.Role.ToString()),
            new Claim(RequestValues.WorkspaceClaim, token.Member.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
