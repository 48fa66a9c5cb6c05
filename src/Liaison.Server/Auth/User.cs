using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>The sign-in account of a workspace member (ASP.NET Core Identity); the member is the domain side.</summary>
public sealed class User : IdentityUser<long>
{
    public long MemberId { get; set; }
}
