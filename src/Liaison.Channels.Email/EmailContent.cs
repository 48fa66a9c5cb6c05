using Liaison.Core.Inbound;
using MimeKit;

namespace Liaison.Channels.Email;

/// <summary>
/// One raw mail read by <see cref="EmailAdapter.Read"/>: the message the pipeline records and its
/// attachments, whose bytes are still in the payload and decoded only when copied out, so a 50 MB
/// attachment goes from the stored payload to its own file without being held in memory.
/// </summary>
/// <remarks>Keep the payload stream open until the attachments are copied; dispose this after.</remarks>
public sealed class EmailContent : IDisposable
{
    private readonly MimeMessage _mime;

    internal EmailContent(MimeMessage mime, InboundMessage message, IReadOnlyList<EmailAttachment> attachments)
    {
        _mime = mime;
        Message = message;
        Attachments = attachments;
    }

    /// <summary>The message with <see cref="InboundMessage.Attachments"/> named but without bytes.</summary>
    public InboundMessage Message { get; }

    public IReadOnlyList<EmailAttachment> Attachments { get; }

    public void Dispose() => _mime.Dispose();
}

/// <summary>
/// An attachment or inline part of a mail. <see cref="ContentId"/> is what the sanitised HTML's
/// <c>cid:</c> sources point at.
/// </summary>
public sealed class EmailAttachment
{
    private readonly MimeEntity _entity;

    internal EmailAttachment(MimeEntity entity, string fileName, string contentType, string? contentId, bool isInline)
    {
        _entity = entity;
        FileName = fileName;
        ContentType = contentType;
        ContentId = contentId;
        IsInline = isInline;
    }

    public string FileName { get; }
    public string ContentType { get; }
    public string? ContentId { get; }
    public bool IsInline { get; }

    /// <summary>Decodes the part (base64, quoted-printable) into <paramref name="destination"/>, streaming.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken ct = default)
    {
        switch (_entity)
        {
            case MimePart { Content: { } content }:
                await content.DecodeToAsync(destination, ct);
                break;
            case MessagePart { Message: { } message }:
                await message.WriteToAsync(destination, ct);
                break;
        }
    }

    internal byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        switch (_entity)
        {
            case MimePart { Content: { } content }:
                content.DecodeTo(buffer);
                break;
            case MessagePart { Message: { } message }:
                message.WriteTo(buffer);
                break;
        }
        return buffer.ToArray();
    }
}

/// <summary>
/// The payload is not an e-mail message MimeKit can read. The pipeline keeps the raw bytes and
/// flags the delivery; the sync goes on with the next message.
/// </summary>
public sealed class UnreadableEmailException(string message, Exception? inner = null) : Exception(message, inner);
