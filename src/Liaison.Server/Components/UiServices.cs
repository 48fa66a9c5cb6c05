using Liaison.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Components;

public static class UiServices
{
    public static IServiceCollection AddLiaisonUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }

    public static WebApplication MapLiaisonUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // A form post from the layout; binding a form value makes the endpoint check the antiforgery token.
        app.MapPost("/logout", async ([FromForm] string? returnUrl, SignInManager<User> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login");
        }).ExcludeFromDescription();
        // Ends every sign-in session of the member, this browser's too; API tokens stay until revoked.
        app.MapPost("/logout/everywhere", async ([FromForm] string? returnUrl, HttpContext http, UserManager<User> users, ServerSessions sessions, SignInManager<User> signIn) =>
        {
            await OwnAccount.SignOutEverywhereAsync(users, sessions, Features.RequestValues.MemberId(http.User), http.RequestAborted);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
        // The owner's pages reach attachments with the sign-in cookie; /api/attachments takes API tokens only.
        app.MapGet("/files/{attachmentId:long}", Features.Notes.NotesApi.Download).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
