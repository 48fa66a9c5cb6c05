using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Identities;

/// <summary>
/// An address that wrote to us but belongs to no contact. Its messages wait here until the owner
/// attaches the address to a contact or creates a client from it.
/// </summary>
public sealed class UnknownSender
{
    private UnknownSender() { Address = ""; }

    public UnknownSender(ChannelKind kind, string normalizedAddress, string? displayName, Instant firstSeenAt)
    {
        Kind = kind;
        Address = normalizedAddress;
        DisplayName = CleanName(displayName);
        FirstSeenAt = firstSeenAt;
        LastSeenAt = firstSeenAt;
    }

    public long Id { get; private set; }
    public ChannelKind Kind { get; private set; }
    public string Address { get; private set; }
    /// <summary>The name the sender gave (a From: display name, a Telegram first name).</summary>
    public string? DisplayName { get; private set; }
    public Instant FirstSeenAt { get; private set; }
    public Instant LastSeenAt { get; private set; }
    public int MessageCount { get; private set; }

    public void RecordMessage(Instant at, string? displayName)
    {
        MessageCount++;
        if (at > LastSeenAt) LastSeenAt = at;
        if (at < FirstSeenAt) FirstSeenAt = at;
        DisplayName ??= CleanName(displayName);
    }

    // A sender chooses their display name: a bidi override in it would make it read as another's.
    private static string? CleanName(string? name) =>
        string.IsNullOrWhiteSpace(name) || Text.TextSafety.Name(name) is not { Length: > 0 } clean ? null : clean;
}
