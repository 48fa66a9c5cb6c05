using Liaison.Core.Messages;
using NodaTime;

namespace Liaison.Core.Inbound;

/// <summary>One thing a delivery says: a new message, an edit, a deletion or a delivery status.</summary>
public abstract record InboundItem(string ProviderMessageId, Instant At);

/// <summary>
/// A message as the channel delivered it. <see cref="CounterpartAddress"/> is the client side's
/// address as the provider writes it; the pipeline normalises it for the channel's kind.
/// </summary>
/// <param name="ThreadKey">the channel's thread (a mail thread's root Message-ID, a chat id); null: one chat per address.</param>
/// <param name="IsAutomated">auto-replies, newsletters, notifications: kept, never counted as needing an answer.</param>
/// <param name="FormattingWithheld">the channel sent HTML too large or complex to sanitise safely: <see cref="Html"/> is null, the text is shown with a note.</param>
/// <param name="AttachmentsLeftOut">attachments past the channel's cap, counted, not extracted (the raw delivery is kept).</param>
/// <param name="Signs">what the channel saw that says a machine sent it (any sign also sets <paramref name="IsAutomated"/>).</param>
/// <param name="SenderMarkedUrgent">the sender's program marked it urgent (an e-mail's importance headers): its promise is urgent.</param>
public sealed record InboundMessage(
    string ProviderMessageId,
    Instant At,
    MessageDirection Direction,
    string CounterpartAddress,
    string? CounterpartName,
    string Text,
    string? Html = null,
    string? Subject = null,
    string? ThreadKey = null,
    IReadOnlyList<InboundAttachment>? Attachments = null,
    bool IsAutomated = false,
    bool FormattingWithheld = false,
    int AttachmentsLeftOut = 0,
    AutomationSigns Signs = AutomationSigns.None,
    bool SenderMarkedUrgent = false) : InboundItem(ProviderMessageId, At)
{
    /// <summary>
    /// Other addresses of the same person on the channel (a Telegram @username beside the numeric id
    /// that is <see cref="CounterpartAddress"/>): a contact known by one of them is the sender, and
    /// gets <see cref="CounterpartAddress"/> as well, so both are one identity from then on.
    /// </summary>
    public IReadOnlyList<string> CounterpartAliases { get; init; } = [];

    /// <summary>
    /// The group chat it was said in, by the group's own address (a Telegram group's id), or null for
    /// a chat between two. A group known as a contact's address is that client's work chat: a sender
    /// nobody knows yet is then a new contact of that client, named as the channel names them.
    /// </summary>
    public string? GroupAddress { get; init; }

    /// <summary>The group chat's title, for the contacts its members become.</summary>
    public string? GroupName { get; init; }
}

/// <summary>
/// An attachment that came inside the delivery — as bytes (<see cref="Content"/>) or, for large ones,
/// written out on demand (<see cref="CopyTo"/>, valid while the payload stream is open) — or that must
/// be fetched from the provider (<see cref="ProviderMediaId"/>).
/// </summary>
/// <param name="ContentId">what an HTML body's <c>cid:</c> sources call this part (inline images).</param>
public sealed record InboundAttachment(
    string FileName,
    string ContentType,
    ReadOnlyMemory<byte>? Content = null,
    string? ProviderMediaId = null,
    string? ContentId = null,
    Func<Stream, CancellationToken, Task>? CopyTo = null);

/// <summary>The sender edited a message: recorded as an event; the earlier text stays in history.</summary>
public sealed record InboundEdit(string ProviderMessageId, Instant At, string NewText) : InboundItem(ProviderMessageId, At);

/// <summary>The sender deleted a message: recorded as an event; we keep what was said.</summary>
public sealed record InboundDeletion(string ProviderMessageId, Instant At) : InboundItem(ProviderMessageId, At);

public enum DeliveryState
{
    Sent,
    Delivered,
    Read,
    Failed,
}

/// <summary>The provider reports what happened to one of our outbound messages.</summary>
public sealed record InboundStatus(string ProviderMessageId, Instant At, DeliveryState State, string? Error = null) : InboundItem(ProviderMessageId, At);
