using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Liaison.Server.Data;

namespace Liaison.Server.Features.Portal;

/// <summary>
/// Room for the client portal: a second kind of visitor, a client, with a sign-in of its own. The
/// portal scheme is a separate cookie ("liaison-portal", paths under /portal) that no owner or member
/// surface reads: the default scheme (the members' cookie) and the API token scheme never see it, and
/// every member policy asks for a member claim a portal principal never has. Portal handlers are
/// mapped only under /portal with <see cref="Policy"/>, and take the client they serve as a
/// <see cref="PortalVisitor"/> parameter, so they cannot forget to scope what they read.
/// </summary>
public static class Portal
{
    public const string Scheme = "portal";
    public const string Policy = "portal";

    /// <summary>The client a portal principal is scoped to; only a portal sign-in carries it.</summary>
    public const string ClientClaim = "liaison:portal-client";

    public static IServiceCollection AddLiaisonPortal(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "liaison-portal";
            o.Cookie.Path = "/portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/portal/login";
            o.LogoutPath = "/portal/logout";
            o.AccessDeniedPath = "/portal/login";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            // The portal's API answers 401/403, it does not send a script to a sign-in page.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ClientClaim)
            // Belt and braces: a member's principal is never a portal visitor, whatever scheme carried it.
            .RequireAssertion(c => !c.User.HasClaim(claim => claim.Type == RequestValues.MemberClaim)));
        return services;
    }

    /// <summary>A portal principal for a client, as the portal's sign-in (not built yet) will issue it.</summary>
    public static ClaimsPrincipal PrincipalFor(long clientId) =>
        new(new ClaimsIdentity([new Claim(ClientClaim, clientId.ToString(CultureInfo.InvariantCulture))], Scheme));

    public static WebApplication MapPortal(this WebApplication app)
    {
        var portal = app.MapGroup("/portal/api").WithTags("Portal").RequireAuthorization(Policy);
        portal.MapGet("/me", Me);
        return app;
    }

    public sealed record PortalMe(long ClientId, string Name);

    /// <summary>Who the portal is open for: the client's name as the owner's pages show it.</summary>
    public static async Task<Results<Ok<PortalMe>, NotFound>> Me(PortalVisitor visitor, LiaisonDb db, CancellationToken ct)
    {
        var name = await db.Clients.AsNoTracking().Where(c => c.Id == visitor.ClientId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        return name is null ? TypedResults.NotFound() : TypedResults.Ok(new PortalMe(visitor.ClientId, Core.Text.TextSafety.Shown(name)));
    }
}

/// <summary>
/// The client a portal request is for, read from the portal scheme's principal only (never from
/// <see cref="HttpContext.User"/> as another scheme may have set it): a portal handler's parameter.
/// </summary>
public sealed record PortalVisitor(long ClientId)
{
    public static async ValueTask<PortalVisitor?> BindAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Portal.Scheme);
        return result.Principal?.FindFirstValue(Portal.ClientClaim) is { } text
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var clientId)
            ? new PortalVisitor(clientId)
            : throw new InvalidOperationException("A portal handler was reached without a portal sign-in: map it under Portal.Policy.");
    }
}
