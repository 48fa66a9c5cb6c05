using MailKit;

namespace Liaison.Channels.Email;

/// <summary>
/// A large message read from the server in pieces (<c>UID FETCH n BODY.PEEK[]&lt;offset.count&gt;</c>),
/// so only one piece at a time is in memory: MailKit buffers a whole FETCH literal before it hands
/// the stream over, which for a 50 MB attachment would be 50 MB.
/// </summary>
internal sealed class ImapMessageStream(IMailFolder folder, UniqueId uid, int chunkBytes) : Stream
{
    private Stream? _chunk;
    private int _readInChunk;
    private long _position;
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!_ended && buffer.Length > 0)
        {
            _chunk ??= await folder.GetStreamAsync(uid, checked((int)_position), chunkBytes, cancellationToken);
            var read = await _chunk.ReadAsync(buffer, cancellationToken);
            if (Advance(read)) return read;
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (!_ended && count > 0)
        {
            _chunk ??= folder.GetStream(uid, checked((int)_position), chunkBytes);
            var read = _chunk.Read(buffer, offset, count);
            if (Advance(read)) return read;
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>True when bytes were read; on a piece's end, moves to the next one or, after a short piece, ends.</summary>
    private bool Advance(int read)
    {
        if (read > 0)
        {
            _readInChunk += read;
            _position += read;
            return true;
        }
        _chunk!.Dispose();
        _chunk = null;
        // A piece shorter than asked for was the message's last (the size in FETCH RFC822.SIZE is
        // not trusted: some servers report it for a different line-ending convention).
        _ended = _readInChunk < chunkBytes;
        _readInChunk = 0;
        return false;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _chunk?.Dispose();
        base.Dispose(disposing);
    }
}
