using Liaison.Core.Text;
using NodaTime;

namespace Liaison.Core.Attachments;

/// <summary>
/// A file that came with a message or was dropped on a note. The bytes live once per content hash
/// (<see cref="Sha256"/>, lower-case hex); this row says who it belongs to and what it was called.
/// </summary>
public sealed class Attachment
{
    private Attachment() { Sha256 = ""; FileName = ""; ContentType = ""; }

    private Attachment(string sha256, long size, string fileName, string contentType, Instant addedAt)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new DomainRuleException("attachment.hash.invalid", "An attachment's hash is 64 lower-case hex digits.", "sha256");
        Sha256 = sha256;
        Size = size;
        FileName = CleanFileName(fileName);
        ContentType = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType.Trim();
        AddedAt = addedAt;
    }

    public long Id { get; private set; }
    public long? MessageId { get; private set; }
    public long? NoteId { get; private set; }
    public string Sha256 { get; private set; }
    public long Size { get; private set; }
    public string FileName { get; private set; }
    public string ContentType { get; private set; }
    /// <summary>The name an HTML body's <c>cid:</c> sources use for this part (an inline image); null for ordinary files.</summary>
    public string? ContentId { get; private set; }
    public Instant AddedAt { get; private set; }

    public static Attachment ForMessage(long messageId, string sha256, long size, string fileName, string contentType, Instant at, string? contentId = null) =>
        new(sha256, size, fileName, contentType, at) { MessageId = messageId, ContentId = string.IsNullOrWhiteSpace(contentId) ? null : contentId.Trim().Trim('<', '>') };

    public static Attachment ForNote(long noteId, string sha256, long size, string fileName, string contentType, Instant at) =>
        new(sha256, size, fileName, contentType, at) { NoteId = noteId };

    /// <summary>Keeps the name a person gave the file but drops any path, so it can't climb out of a folder, and any bidi control, so it can't read as another (<see cref="TextSafety.FileName"/>).</summary>
    private static string CleanFileName(string? name) => TextSafety.FileName(name);
}
