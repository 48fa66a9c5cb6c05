using System.Security.Cryptography;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>An invitation for a team member into the inviter's workspace: a one-time link that lets them choose a password.</summary>
public sealed class Invitation
{
    private Invitation() { Email = ""; TokenHash = ""; }

    private Invitation(long workspaceId, string email, string displayName, string tokenHash, Instant createdAt, Instant expiresAt)
    {
        WorkspaceId = workspaceId;
        Email = email;
        DisplayName = displayName;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public string Email { get; private set; }
    public string? DisplayName { get; private set; }
    public string TokenHash { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant ExpiresAt { get; private set; }
    public Instant? AcceptedAt { get; private set; }

    public static (Invitation Invitation, string PlainToken) Create(long workspaceId, string normalizedEmail, string? displayName, Instant at)
    {
        var plain = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new Invitation(workspaceId, normalizedEmail, displayName?.Trim() ?? "", ApiToken.HashOf(plain), at, at + Duration.FromDays(7)), plain);
    }

    public bool IsUsable(Instant now) => AcceptedAt is null && now < ExpiresAt;

    public void Accept(Instant at) => AcceptedAt = at;
}
