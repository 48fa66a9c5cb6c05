using NodaTime;

namespace Liaison.Core.Workspaces;

public enum MemberRole
{
    Owner,
    TeamMember,
}

/// <summary>
/// A person of the workspace. One member is each client's responsible person: the only one who
/// accepts tasks from that client (seed 001).
/// </summary>
public sealed class Member
{
    private Member() { DisplayName = ""; Email = ""; }

    public Member(long workspaceId, string displayName, string email, MemberRole role, Instant joinedAt)
    {
        WorkspaceId = workspaceId;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? email : displayName.Trim();
        Email = email;
        Role = role;
        JoinedAt = joinedAt;
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public string DisplayName { get; private set; }
    public string Email { get; private set; }
    public MemberRole Role { get; private set; }
    public Instant JoinedAt { get; private set; }
}
