using System.Security.Claims;
using Liaison.Server.Data;
using Liaison.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Puts the member id and role into the sign-in cookie, so pages know who acts without a lookup and
/// <see cref="AuthServices.OwnerPolicy"/> can tell the owner from a team member, and the member's
/// workspace, the one every change made in this session belongs to.
/// </summary>
internal sealed class MemberClaims(UserManager<User> users, RoleManager<IdentityRole<long>> roles, IOptions<IdentityOptions> options, LiaisonDb db)
    : UserClaimsPrincipalFactory<User, IdentityRole<long>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(RequestValues.MemberClaim, user.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var member = await db.Members.AsNoTracking().Where(m => m.Id == user.MemberId).Select(m => new { m.Role, m.WorkspaceId }).FirstOrDefaultAsync();
        if (member is not null)
        {
            identity.AddClaim(new Claim(identity.RoleClaimType, member.Role.ToString()));
            identity.AddClaim(new Claim(RequestValues.WorkspaceClaim, member.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return identity;
    }
}
