using Liaison.Server.Data;
using Liaison.Server.Features.Portal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

public static class AuthServices
{
    /// <summary>The REST API accepts only API tokens: no cookies, so no cross-site request can act as the owner.</summary>
    public const string ApiPolicy = "api";

    /// <summary>
    /// The owner's surfaces: channels and their secrets, the team and its invitations, exports,
    /// deleting a client for good and the workspace template. A team member (or their API token)
    /// gets 403 there. The role comes from <see cref="MemberClaims"/> or the token's member.
    /// </summary>
    public const string OwnerPolicy = "owner";

    public static IServiceCollection AddLiaisonAuth(this IServiceCollection services)
    {
        // Sign-in cookies and encrypted channel secrets must survive restarts: keys live with the data.
        services.AddDataProtection().SetApplicationName("Liaison");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new FileSystemXmlRepository(
                // 0700 before the repository makes it with the umask's mode: these keys decrypt channel secrets.
                PrivateFiles.CreateDirectory(Path.Combine(sp.GetRequiredService<IOptions<LiaisonOptions>>().Value.FullDataDirectory, "keys")),
                sp.GetRequiredService<ILoggerFactory>())));
        // Data protection warns "No XML encryptor configured" on first start, which a newcomer reads as
        // an error (its category is filtered to errors in appsettings.json); one calm line says what it means.
        services.AddHostedService<KeyStorageNotice>();
        services.AddIdentity<User, IdentityRole<long>>(o =>
            {
                // Length over composition rules (NIST SP 800-63B): a long passphrase beats "Passw0rd!".
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<LiaisonDb>()
            .AddPasswordValidator<CommonPasswords>()
            .AddClaimsPrincipalFactory<MemberClaims>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/login";
            o.Cookie.Name = "liaison";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            // Each cookie is a server-side session: logout, a password change or a removed member ends it at once.
            o.EventsType = typeof(ServerSessions);
        });
        services.AddSingleton<ServerSessions>();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        // Every member surface asks for a member: a principal of another kind (a portal visitor) passes none of them.
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(Features.RequestValues.MemberClaim).Build())
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireAuthenticatedUser().RequireClaim(Features.RequestValues.MemberClaim))
            .AddPolicy(OwnerPolicy, p => p.RequireAuthenticatedUser().RequireClaim(Features.RequestValues.MemberClaim).RequireRole(nameof(Core.Workspaces.MemberRole.Owner)));
        services.AddLiaisonPortal();
        services.AddCascadingAuthenticationState();
        services.AddScoped<OwnerSetup>();
        services.AddSingleton<OwnerSetup.State>();
        return services;
    }

    /// <summary>
    /// Behind a reverse proxy on the same machine (the usual way to put Liaison on the internet, it
    /// listens on 127.0.0.1), the client is the one the proxy names in X-Forwarded-For: sign-in
    /// throttling counts per client. Only a loopback peer is believed (the framework's default).
    /// </summary>
    public static IApplicationBuilder UseClientAddresses(this IApplicationBuilder app) =>
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor });
}

/// <summary>Says once at start-up where the data-protection keys are and how to protect them.</summary>
internal sealed partial class KeyStorageNotice(IOptions<LiaisonOptions> options, ILogger<KeyStorageNotice> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        KeysAt(log, Path.Combine(options.Value.FullDataDirectory, "keys"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Keys for sign-in cookies and channel secrets are in {Directory}, readable only by this user and not encrypted further: keep the data directory private and back it up with the database (without them, saved channel secrets can't be read).")]
    private static partial void KeysAt(ILogger log, string directory);
}

