using Liaison.Server.Data;
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

    public static IServiceCollection AddLiaisonAuth(this IServiceCollection services)
    {
        // Sign-in cookies and encrypted channel secrets must survive restarts: keys live with the data.
        services.AddDataProtection().SetApplicationName("Liaison");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new FileSystemXmlRepository(
                // 0700 before the repository makes it with the umask's mode: these keys decrypt channel secrets.
                PrivateFiles.CreateDirectory(Path.Combine(sp.GetRequiredService<IOptions<LiaisonOptions>>().Value.FullDataDirectory, "keys")),
                sp.GetRequiredService<ILoggerFactory>())));
        services.AddIdentity<User, IdentityRole<long>>(o =>
            {
                // Length over composition rules (NIST SP 800-63B): a long passphrase beats "Passw0rd!".
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = true;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<LiaisonDb>()
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
        });
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireAuthenticatedUser());
        services.AddCascadingAuthenticationState();
        services.AddScoped<OwnerSetup>();
        services.AddSingleton<OwnerSetup.State>();
        return services;
    }
}
