using Liaison.Server.Features.Timeline;

namespace Liaison.Server.Components.Pages.Client;

/// <summary>
/// Per circuit: a timeline entry's Reply button asks the client page's <c>Composer</c> to open,
/// without threading a callback through every component in between.
/// </summary>
public sealed class ComposerRequests
{
    public event Action<TimelineApi.TimelineItem?>? Requested;

    /// <summary>Opens the composer: a reply to <paramref name="replyTo"/> on its channel, or a new message when null.</summary>
    public void Open(TimelineApi.TimelineItem? replyTo) => Requested?.Invoke(replyTo);
}

/// <summary>What the composer is writing now, for the pieces plugged into it (a notice about the channel, a choice of when to send).</summary>
/// <param name="ChannelId">the channel chosen to send on; 0 when none can.</param>
/// <param name="ReplyToMessageId">the message answered, or null for a new message.</param>
/// <param name="To">the recipient's address of a new message; null for a reply (it goes where the answered message came from).</param>
public sealed record ComposerContext(long ClientId, long ChannelId, Core.Channels.ChannelKind? Kind, long? ReplyToMessageId, string? To);
