namespace Liaison.Server;

/// <summary>
/// The response headers that tell a browser what a response may do, by route class: pages get a
/// baseline Content-Security-Policy, downloads are sandboxed (an HTML or SVG attachment opened in a
/// tab runs no script and has no origin), the API and webhooks may load nothing, and every response
/// is <c>nosniff</c> with no Referer leaking a page's address to the links in a mail.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The pages: Blazor's script is a file (no inline script, no eval on the server flavour) and its
    /// circuit a same-origin WebSocket. Styles allow inline: Blazor's reconnect UI and the mail's own
    /// style attributes. The formatted mail is an <c>srcdoc</c> frame, which inherits this policy and
    /// narrows it with its own; so remote images (http/https) are allowed here, shown only once the
    /// owner asks for them in that mail.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; " +
        "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; frame-ancestors 'none'; " +
        "base-uri 'self'; form-action 'self'";

    /// <summary>A stored file served back: whatever it is, it runs nothing and reaches nothing.</summary>
    public const string DownloadPolicy = "sandbox; default-src 'none'; frame-ancestors 'none'";

    /// <summary>JSON, webhooks, health: nothing to render.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // Replaces Blazor's own "frame-ancestors 'self'" on interactive pages: ours says 'none'.
            if (PolicyFor(context.Request.Path) is { } policy) headers.ContentSecurityPolicy = policy;
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>The policy for a path; null for the API reference page, whose viewer (Scalar) configures itself with an inline script.</summary>
    public static string? PolicyFor(PathString path)
    {
        if (path.StartsWithSegments("/files") || path.StartsWithSegments("/api/attachments")) return DownloadPolicy;
        if (path.StartsWithSegments("/api/docs")) return null;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hooks") || path.StartsWithSegments("/health")
            || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/diagnostics")) return ApiPolicy;
        return PagePolicy;
    }
}
