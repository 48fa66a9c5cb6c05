using System.Net;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Channels.Messenger;

/// <summary>
/// Fetches a Messenger attachment: the webhook carries only a URL on Meta's CDN, signed and valid
/// for a short while, so it is fetched at once (and retried while it may still work). A URL that
/// answers 403, 404 or 410 has expired: there is no id to ask for a new one, so it is given up.
/// </summary>
public sealed class MessengerMediaFetcher : IMediaFetcher, IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = true, MaxAutomaticRedirections = 5 })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    public ChannelKind Kind => ChannelKind.Messenger;

    public async Task<FetchedMedia> FetchAsync(string providerMediaId, ChannelSettings settings, CancellationToken ct)
    {
        if (!Uri.TryCreate(providerMediaId, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            throw new MediaGoneException($"'{providerMediaId}' is not a Messenger attachment URL.");
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            request.Dispose();
            var words = $"Messenger's attachment URL answered HTTP {(int)status}";
            throw status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone
                ? new MediaGoneException(words + ": it has expired; ask the client to send it again.")
                : new HttpRequestException(words + ".", null, status);
        }
        var stream = await response.Content.ReadAsStreamAsync(ct);
        return new FetchedMedia(new OwningStream(stream, response, request), response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => http.Dispose();

    /// <summary>The response body, which takes its response and request with it when disposed.</summary>
    private sealed class OwningStream(Stream inner, HttpResponseMessage response, HttpRequestMessage request) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
                request.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
