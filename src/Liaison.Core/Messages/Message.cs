using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Messages;

public enum MessageDirection
{
    Inbound,
    Outbound,
}

/// <summary>
/// A message received from or sent to a client on one channel. A message from an address no contact
/// owns has no client yet: it waits in the unknown senders list until the owner places it.
/// </summary>
public sealed class Message
{
    private Message() { CounterpartAddress = ""; Text = ""; }

    public Message(
        ChannelKind channelKind,
        MessageDirection direction,
        string counterpartAddress,
        string text,
        Instant occurredAt,
        Instant recordedAt,
        long channelId,
        string? subject = null,
        string? html = null,
        string? providerMessageId = null,
        string? threadKey = null)
    {
        ChannelKind = channelKind;
        Direction = direction;
        CounterpartAddress = counterpartAddress;
        Text = text ?? "";
        OccurredAt = occurredAt;
        RecordedAt = recordedAt;
        ChannelId = channelId;
        Subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        Html = html;
        ProviderMessageId = providerMessageId;
        ThreadKey = threadKey;
        NeedsAnswer = direction == MessageDirection.Inbound;
    }

    public long Id { get; private set; }
    public long? ClientId { get; private set; }
    public long? ContactId { get; private set; }
    public long? ConversationId { get; private set; }
    /// <summary>Set while the sender is unknown; cleared when the owner places the message.</summary>
    public long? UnknownSenderId { get; private set; }
    /// <summary>
    /// The channel it came through or left on: a connected account, or for history recorded by other
    /// means the workspace's API channel or an import's (<see cref="ChannelKind.OnlyRecordsHistory"/>).
    /// Always set, so (channel, provider id) is one unique rule for every message.
    /// </summary>
    public long ChannelId { get; private set; }
    public ChannelKind ChannelKind { get; private set; }
    public MessageDirection Direction { get; private set; }
    /// <summary>The client side's normalised address: the sender of an inbound message, the recipient of an outbound one.</summary>
    public string CounterpartAddress { get; private set; }
    public string? Subject { get; private set; }
    /// <summary>Plain text; always present so search and previews never parse HTML.</summary>
    public string Text { get; private set; }
    /// <summary>Sanitised HTML when the channel sent HTML.</summary>
    public string? Html { get; private set; }
    /// <summary>When the provider says it was sent: the timeline's order.</summary>
    public Instant OccurredAt { get; private set; }
    /// <summary>When Liaison stored it.</summary>
    public Instant RecordedAt { get; private set; }
    public string? ProviderMessageId { get; private set; }
    /// <summary>
    /// The thread the channel said the message belongs to (a mail's root Message-ID); null for chats,
    /// which are one thread per address. Kept so that a message held for an unknown sender joins its
    /// own thread's conversation once the owner places it.
    /// </summary>
    public string? ThreadKey { get; private set; }
    /// <summary>Inbound messages need an answer until answered or marked otherwise; automated mail never does.</summary>
    public bool NeedsAnswer { get; private set; }
    /// <summary>When the sender last edited it; the texts it replaced are kept as events.</summary>
    public Instant? EditedAt { get; private set; }
    /// <summary>When the sender deleted it; we keep what was said.</summary>
    public Instant? DeletedAt { get; private set; }
    /// <summary>For outbound messages: how far the provider got it (sent, delivered, read, failed).</summary>
    public Inbound.DeliveryState? DeliveryState { get; private set; }
    /// <summary>The channel sent HTML too large or complex to sanitise safely: <see cref="Html"/> is null and the text is shown with a note.</summary>
    public bool FormattingWithheld { get; private set; }
    /// <summary>Attachments past the channel's cap per message: counted here, not extracted; the raw delivery is kept.</summary>
    public int AttachmentsLeftOut { get; private set; }
    /// <summary>
    /// History recorded after the fact rather than live: a mailbox's initial sync, an import, or
    /// <c>POST /api/messages</c> with <c>backfill: true</c>. A backfilled message gets no promise: it
    /// never triggers an acknowledgement and never counts as a broken promise.
    /// </summary>
    public bool IsBackfill { get; private set; }
    /// <summary>
    /// The sender's program marked it urgent (an e-mail's importance headers); channel-neutral, one of
    /// the reasons its promise is urgent.
    /// </summary>
    public bool SenderMarkedUrgent { get; private set; }
    /// <summary>
    /// We sent it by an automatic rule (an acknowledgement, a report, a reminder), not a person
    /// writing back: it answers nothing and keeps no promise.
    /// </summary>
    public bool IsAutomatic { get; private set; }

    public void PlaceWith(long clientId, long contactId, long conversationId)
    {
        ClientId = clientId;
        ContactId = contactId;
        ConversationId = conversationId;
        UnknownSenderId = null;
    }

    public void HoldAsUnknown(long unknownSenderId)
    {
        ClientId = null;
        ContactId = null;
        ConversationId = null;
        UnknownSenderId = unknownSenderId;
    }

    public void MarkNoAnswerNeeded() => NeedsAnswer = false;

    /// <summary>Marks it history recorded after the fact (see <see cref="IsBackfill"/>).</summary>
    public void MarkBackfill() => IsBackfill = true;

    /// <summary>Records that the sender marked it urgent (see <see cref="SenderMarkedUrgent"/>).</summary>
    public void MarkSenderUrgent() => SenderMarkedUrgent = true;

    /// <summary>Records that an automatic rule sent it (see <see cref="IsAutomatic"/>).</summary>
    public void MarkAutomatic()
    {
        if (Direction != MessageDirection.Outbound)
            throw new DomainRuleException("message.automatic.inbound", "Only a message we send can be sent by an automatic rule.", "purpose");
        IsAutomatic = true;
    }

    /// <summary>Records what of the delivery is not shown: its formatting, and attachments past the cap.</summary>
    public void RecordLeftOut(bool formattingWithheld, int attachmentsLeftOut)
    {
        if (attachmentsLeftOut < 0) throw new DomainRuleException("message.attachments.leftOut", "A count of attachments left out is not negative.", "attachmentsLeftOut");
        FormattingWithheld = formattingWithheld;
        AttachmentsLeftOut = attachmentsLeftOut;
    }

    /// <summary>Takes the edited text and returns the one it replaces, for the caller to keep in history.</summary>
    public string RecordEdit(string newText, Instant at)
    {
        var previous = Text;
        Text = newText ?? "";
        if (EditedAt is null || at > EditedAt) EditedAt = at;
        return previous;
    }

    public void RecordDeletion(Instant at) => DeletedAt ??= at;

    /// <summary>
    /// The provider's id for a message we sent, known once the provider took it (chat providers assign
    /// it then): from now on an echo or a status carrying it is matched to this message. An id chosen
    /// before sending (an e-mail's Message-ID) is the one the message went out with, and stays.
    /// </summary>
    public void RecordProviderMessageId(string providerMessageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerMessageId);
        ProviderMessageId ??= providerMessageId;
    }

    /// <summary>
    /// Statuses arrive out of order ("read" before "delivered"); a message only moves forward
    /// (sent → delivered → read), except that a failure is always shown.
    /// </summary>
    public void RecordDeliveryState(Inbound.DeliveryState state)
    {
        if (state == Inbound.DeliveryState.Failed || DeliveryState is null || (DeliveryState != Inbound.DeliveryState.Failed && state > DeliveryState))
            DeliveryState = state;
    }
}
