using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Liaison.Server.Auth;

/// <summary>
/// An open page (a Blazor circuit) was signed in when it connected; this checks its session again
/// every half minute, so a page left open on another device signs out soon after its session ends.
/// </summary>
internal sealed class SessionRevalidation(ILoggerFactory logs, ServerSessions sessions) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        state.User.Identity?.IsAuthenticated == true ? sessions.IsLiveAsync(state.User, ct) : Task.FromResult(true);
}
