namespace Liaison.Server.Errors;

/// <summary>
/// An error status without a body becomes a page for a person (a browser asking for HTML, outside
/// the API, webhooks and health probes) and RFC 9457 problem details for a program.
/// </summary>
public static class StatusPages
{
    public static IApplicationBuilder UseLiaisonStatusPages(this IApplicationBuilder app)
    {
        app.UseWhen(IsForPeople, people => people.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseWhen(context => !IsForPeople(context), programs => programs.UseStatusCodePages());
        return app;
    }

    private static bool IsForPeople(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hooks") || path.StartsWithSegments("/health")
            || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework")
            || path.StartsWithSegments("/files"))
            return false;
        return context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }
}
