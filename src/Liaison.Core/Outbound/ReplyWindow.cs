using NodaTime;

namespace Liaison.Core.Outbound;

/// <summary>
/// Whether a free-form message may go to a counterpart now. Messengers that bill or police
/// business-initiated chats allow free text only for a while after the counterpart last wrote
/// (WhatsApp's 24-hour customer-service window; Messenger's 24 hours, or 7 days with the human
/// agent tag); outside it only a template the provider approved may go, or nothing at all. A channel
/// without such a rule (e-mail) is <see cref="Always"/>. The channel's descriptor says which
/// (<see cref="Channels.ChannelDescriptor.ReplyWindowAt"/>); the outbox enforces it, the composer shows it.
/// </summary>
public abstract record ReplyWindow
{
    private ReplyWindow() { }

    /// <summary>The channel has no window: anything may go at any time.</summary>
    public sealed record Always : ReplyWindow;

    /// <summary>Free-form messages may go until <paramref name="Until"/>.</summary>
    /// <param name="Tag">what the provider needs the send to carry to be let through this late (Messenger's HUMAN_AGENT); null inside the ordinary window.</param>
    public sealed record Open(Instant Until, string? Tag = null) : ReplyWindow;

    /// <summary>No free-form message may go.</summary>
    /// <param name="ClosedAt">when the window closed; null when the counterpart never wrote on this channel.</param>
    /// <param name="TemplatesAllowed">an approved template may still go (WhatsApp); false where nothing can (Messenger).</param>
    public sealed record Closed(Instant? ClosedAt, bool TemplatesAllowed) : ReplyWindow;

    /// <summary>Whether <paramref name="content"/> may go through this window: free text while open, a template where templates are allowed.</summary>
    public bool Allows(OutboundContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return this switch
        {
            Closed closed => content.Template is not null && closed.TemplatesAllowed,
            _ => true,
        };
    }

    /// <summary>
    /// The window of a channel that allows free text for <paramref name="length"/> after the
    /// counterpart's last message (<paramref name="lastHeard"/>; null when they never wrote).
    /// </summary>
    public static ReplyWindow After(Instant? lastHeard, Duration length, Instant now, bool templatesAllowed) =>
        lastHeard is { } heard && now < heard + length ? new Open(heard + length) : new Closed(lastHeard + length, templatesAllowed);
}
