using MimeKit;

namespace Liaison.Channels.Email.Tests;

/// <summary>A mail with a 50 MB attachment, written to disk as it is built, never held whole.</summary>
internal static class LargeMail
{
    public const int AttachmentBytes = 50 * 1024 * 1024;

    public static string Write(string directory, string to = Corpus.Owner)
    {
        var path = Path.Combine(directory, $"large-{Guid.NewGuid():N}.eml");
        var source = Path.Combine(directory, $"large-{Guid.NewGuid():N}.bin");
        using (var file = File.Create(source))
        {
            var block = new byte[1024 * 1024];
            new Random(50).NextBytes(block);
            for (var i = 0; i < AttachmentBytes / block.Length; i++) file.Write(block);
        }
        using (var content = File.OpenRead(source))
        {
            var mail = Corpus.Mail(subject: "The video", text: "Here is the recording.", to: to, messageId: $"large-{Guid.NewGuid():N}@client.test");
            var attachment = new MimePart("video", "mp4")
            {
                Content = new MimeContent(content),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = "recording.mp4",
            };
            mail.Body = new Multipart("mixed") { new TextPart("plain") { Text = "Here is the recording." }, attachment };
            using var output = File.Create(path);
            mail.WriteTo(output);
        }
        File.Delete(source);
        return path;
    }
}

/// <summary>Counts what is written and keeps nothing.</summary>
internal sealed class CountingStream : Stream
{
    public long Count { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Count;
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Count += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
