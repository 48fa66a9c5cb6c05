using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Conversations;

/// <summary>
/// One topic with one client (seed 001: one topic per thread). <see cref="ThreadKey"/> is the
/// channel's own notion of a thread (the first Message-ID of a mail thread, a chat id), so the
/// channel adapter can find the conversation a new message belongs to.
/// </summary>
public sealed class Conversation
{
    private Conversation() { ThreadKey = ""; }

    public Conversation(long clientId, ChannelKind channelKind, string threadKey, string? subject, Instant startedAt)
    {
        ClientId = clientId;
        ChannelKind = channelKind;
        ThreadKey = threadKey;
        Subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        StartedAt = startedAt;
        LastMessageAt = startedAt;
    }

    public long Id { get; private set; }
    public long ClientId { get; private set; }
    public ChannelKind ChannelKind { get; private set; }
    public string ThreadKey { get; private set; }
    public string? Subject { get; private set; }
    public Instant StartedAt { get; private set; }
    public Instant LastMessageAt { get; private set; }

    public void RecordMessage(Instant at)
    {
        if (at > LastMessageAt) LastMessageAt = at;
        if (at < StartedAt) StartedAt = at;
    }
}
