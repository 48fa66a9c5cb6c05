using Liaison.Core.Inbound;
using Liaison.Server.Features.Attachments;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// Where pulling channels (IMAP) hand what they fetched: the same writer and the same deduplicated
/// table as webhooks. A payload up to <see cref="InRowBytes"/> is kept in its row; a larger one (a mail
/// with a 50 MB attachment) streams to the content-addressed store and the row points at it.
/// </summary>
public sealed class InboundSink(DeliveryWriter writer, AttachmentStore store, IClock clock, IOptions<LiaisonOptions> options) : IInboundSink
{
    public const int InRowBytes = 256 * 1024;

    public async Task<AcceptedDelivery> AcceptAsync(long channelId, DeliveryKey key, Stream payload, bool backfill, CancellationToken ct)
    {
        // A payload of known size (MailKit hands a fetched mail over as an in-memory stream) gets a buffer of
        // its size: a 256 KB buffer per mail went to the large object heap, 5 GB of it for a 20,000-mail sync.
        var known = payload.CanSeek ? payload.Length - payload.Position : long.MaxValue;
        var head = new byte[Math.Min(known, InRowBytes) + 1];
        var read = 0;
        int n;
        while (read < head.Length && (n = await payload.ReadAsync(head.AsMemory(read), ct)) > 0) read += n;
        if (read <= InRowBytes)
        {
            return new AcceptedDelivery(await writer.EnqueueAsync(channelId, key.Value, head[..read], clock.GetCurrentInstant(), ct, backfill: backfill));
        }
        await using var whole = new ConcatenatedStream(new MemoryStream(head, 0, read, writable: false), payload);
        var stored = await store.SaveAsync(whole, options.Value.MaxAttachmentBytes * 2, ct);
        return new AcceptedDelivery(await writer.EnqueueAsync(channelId, key.Value, [], clock.GetCurrentInstant(), ct, stored.Sha256, backfill));
    }

    /// <summary>The bytes already read, then the rest of the source.</summary>
    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await first.ReadAsync(buffer, ct);
            return n > 0 ? n : await second.ReadAsync(buffer, ct);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = first.Read(buffer, offset, count);
            return n > 0 ? n : second.Read(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) first.Dispose();
            base.Dispose(disposing);
        }
    }
}
