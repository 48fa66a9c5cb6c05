namespace Liaison.Core.Outbound;

/// <summary>Why a message goes out: written by a person, or by one of the automatic rules.</summary>
public enum MessagePurpose
{
    /// <summary>Written by the owner or a team member.</summary>
    Person,
    /// <summary>The automatic "received, the answer comes by …".</summary>
    Acknowledgement,
    Report,
    Reminder,
}

/// <summary>
/// What an outbound message says, as one document: stored whole with the outbox entry, so a new
/// kind of content (a location, a button) needs no schema change, only a new <see cref="Version"/>
/// when an old document would be read wrongly.
/// </summary>
/// <param name="Subject">required by channels that have subjects (e-mail); ignored by the others.</param>
/// <param name="Attachments">files from the content-addressed store, sent with the text.</param>
/// <param name="ReplyToProviderMessageId">the provider id of the message answered, null for a new message.</param>
/// <param name="References">the provider ids of the thread, oldest first, ending with <paramref name="ReplyToProviderMessageId"/>.</param>
/// <param name="Template">a template the provider approved (WhatsApp outside its 24-hour window) instead of free text.</param>
/// <param name="IdempotencyKey">
/// set by automatic rules ("ack:message:42"): a message with the same key on the same channel is
/// queued once, however often its rule runs; null for messages written by a person.
/// </param>
public sealed record OutboundContent(
    string? Subject,
    string Text,
    IReadOnlyList<OutboundAttachment>? Attachments = null,
    string? ReplyToProviderMessageId = null,
    IReadOnlyList<string>? References = null,
    OutboundTemplate? Template = null,
    MessagePurpose Purpose = MessagePurpose.Person,
    string? IdempotencyKey = null)
{
    /// <summary>The document's shape: raised when a stored document must be read differently.</summary>
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public IReadOnlyList<OutboundAttachment> Attachments { get; init; } = Attachments ?? [];

    public IReadOnlyList<string> References { get; init; } = References ?? [];
}

/// <summary>An attachment by its content address.</summary>
/// <param name="Sha256">the hash under which the attachment store keeps the bytes.</param>
public sealed record OutboundAttachment(string Sha256, string Name, string ContentType);

/// <summary>A provider-approved template and the values for its placeholders, in order.</summary>
/// <param name="Language">the template's language as the provider names it ("en", "pl").</param>
/// <param name="ParameterNames">the placeholders' names, in the order of <paramref name="Parameters"/>, for a template with named placeholders; null for positional ones.</param>
public sealed record OutboundTemplate(string Name, string Language, IReadOnlyList<string> Parameters, IReadOnlyList<string>? ParameterNames = null);
