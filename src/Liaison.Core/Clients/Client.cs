using NodaTime;

namespace Liaison.Core.Clients;

/// <summary>
/// A customer, a person or a company, and the owner of one timeline. Deleting a client archives it
/// (restorable); only an archived client without messages can be deleted for good.
/// </summary>
public sealed class Client
{
    public const int MaxNameLength = 200;

    private Client() { Name = ""; }

    public Client(long workspaceId, string name, string? about, Instant createdAt)
    {
        WorkspaceId = workspaceId;
        Name = RequireName(name);
        NameKey = Name.ToLowerInvariant();
        About = Clean(about);
        CreatedAt = createdAt;
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public string Name { get; private set; }
    /// <summary>The name lower-cased (invariant): what search matches, the same way for Latin and Cyrillic on every database.</summary>
    public string NameKey { get; private set; } = "";
    /// <summary>Free text the owner keeps about the client: company, project, how they found us.</summary>
    public string? About { get; private set; }
    /// <summary>The member who accepts tasks from this client (seed 001: one responsible person).</summary>
    public long? ResponsibleMemberId { get; private set; }
    public Instant CreatedAt { get; private set; }
    /// <summary>Set while the client is archived; archived clients keep everything and can be restored.</summary>
    public Instant? ArchivedAt { get; private set; }
    /// <summary>When the last message or note happened: orders the client list by recent activity.</summary>
    public Instant? LastActivityAt { get; private set; }

    public bool IsArchived => ArchivedAt is not null;

    public void Update(string name, string? about, long? responsibleMemberId)
    {
        Name = RequireName(name);
        NameKey = Name.ToLowerInvariant();
        About = Clean(about);
        ResponsibleMemberId = responsibleMemberId;
    }

    public void Archive(Instant at) => ArchivedAt ??= at;

    public void Restore() => ArchivedAt = null;

    /// <summary>Records activity; never moves backwards, so an imported old message doesn't hide newer ones.</summary>
    public void RecordActivity(Instant at)
    {
        if (LastActivityAt is null || at > LastActivityAt) LastActivityAt = at;
    }

    /// <summary>Throws unless the client may be deleted for good.</summary>
    /// <param name="messageCount">messages on the client's timeline.</param>
    /// <param name="exported">the caller confirmed the messages were exported first.</param>
    public void EnsureDeletable(int messageCount, bool exported)
    {
        if (!IsArchived)
            throw new DomainRuleException("client.delete.not-archived",
                "Archive the client before deleting it for good.", "confirm");
        if (messageCount > 0 && !exported)
            throw new DomainConflictException("client.delete.has-messages",
                $"The client has {messageCount} messages. Export them first (GET /api/clients/{Id}/export), then delete with exported=true.", "exported");
    }

    private static string RequireName(string? name)
    {
        var trimmed = Text.TextSafety.Name(name, "name");
        if (trimmed.Length == 0)
            throw new DomainRuleException("client.name.required", "A client needs a name.", "name");
        if (trimmed.Length > MaxNameLength)
            throw new DomainRuleException("client.name.too-long", $"A client's name is at most {MaxNameLength} characters.", "name");
        return trimmed;
    }

    private static string? Clean(string? text)
    {
        Text.TextSafety.RefuseNul(text, "about");
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
