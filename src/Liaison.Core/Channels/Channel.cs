using NodaTime;

namespace Liaison.Core.Channels;

/// <summary>
/// A connected account on our side: a mailbox, a Telegram bot, a WhatsApp Business number, a Viber
/// bot, a Facebook page. Messages arrive and leave through channels. The adapter's own settings
/// (hosts, tokens) are kept by the channel's project, encrypted, not here.
/// </summary>
public sealed class Channel
{
    private Channel() { Name = ""; }

    public Channel(long workspaceId, ChannelKind kind, string name, Instant connectedAt)
    {
        WorkspaceId = workspaceId;
        Kind = kind;
        Name = string.IsNullOrWhiteSpace(name)
            ? throw new DomainRuleException("channel.name.required", "A channel needs a name.", "name")
            : name.Trim();
        ConnectedAt = connectedAt;
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public ChannelKind Kind { get; private set; }
    public string Name { get; private set; }
    public Instant ConnectedAt { get; private set; }
    public Instant? DisconnectedAt { get; private set; }

    public void Disconnect(Instant at) => DisconnectedAt ??= at;
}
