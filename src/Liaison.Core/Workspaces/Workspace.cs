using NodaTime;

namespace Liaison.Core.Workspaces;

/// <summary>The provider's side: one owner and the team members who serve the clients.</summary>
public sealed class Workspace
{
    private Workspace() { Name = ""; }

    public Workspace(string name, Instant createdAt)
    {
        Name = RequireName(name);
        CreatedAt = createdAt;
    }

    public long Id { get; private set; }
    public string Name { get; private set; }
    public Instant CreatedAt { get; private set; }

    public void Rename(string name) => Name = RequireName(name);

    private static string RequireName(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 200)
            throw new DomainRuleException("workspace.name.required", "A workspace needs a name of 1 to 200 characters.", "name");
        return trimmed;
    }
}
