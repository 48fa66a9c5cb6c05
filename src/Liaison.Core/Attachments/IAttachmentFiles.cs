namespace Liaison.Core.Attachments;

/// <summary>
/// The bytes of stored attachments, by content hash, for what a channel sends (a file attached to a
/// reply). The server keeps them; a channel project only reads them.
/// </summary>
public interface IAttachmentFiles
{
    /// <summary>The file with this hash, opened for reading, or null when none is stored.</summary>
    Stream? Open(string sha256);
}
