using System.Security.Claims;
using Liaison.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>Puts the member id into the sign-in cookie, so pages know who acts without a lookup.</summary>
internal sealed class MemberClaims(UserManager<User> users, RoleManager<IdentityRole<long>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User, IdentityRole<long>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(RequestValues.MemberClaim, user.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return identity;
    }
}
