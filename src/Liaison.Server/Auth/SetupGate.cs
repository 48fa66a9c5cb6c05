namespace Liaison.Server.Auth;

public static class SetupGate
{
    /// <summary>Until an owner exists, every page leads to /setup: the first thing a new user sees is how to start.</summary>
    public static IApplicationBuilder UseSetupGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path;
        var isPage = HttpMethods.IsGet(http.Request.Method)
            && !path.StartsWithSegments("/setup") && !path.StartsWithSegments("/api") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/hooks")
            && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_blazor")
            && !Path.HasExtension(path.Value);
        if (isPage && !await http.RequestServices.GetRequiredService<OwnerSetup>().IsDoneAsync(http.RequestAborted))
        {
            http.Response.Redirect("/setup");
            return;
        }
        await next();
    });
}
