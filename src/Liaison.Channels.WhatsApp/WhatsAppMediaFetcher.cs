using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Channels.WhatsApp;

/// <summary>Where the Graph API is; tests point it at a local server that answers as Meta documents.</summary>
public sealed class WhatsAppOptions
{
    public Uri GraphApiBase { get; set; } = new("https://graph.facebook.com/v23.0/");
}

/// <summary>
/// Fetches a WhatsApp media id through the Cloud API: <c>GET /{media-id}</c> answers a download URL
/// that is valid for about five minutes (with the MIME type, SHA-256 and size), and a second GET of
/// that URL with the same access token returns the bytes. The URL is asked for anew on every attempt,
/// so a retry never meets an expired one; the id itself stays valid for 30 days.
/// </summary>
/// <remarks>Settings: <c>accessToken</c> (a system user's token with whatsapp_business_messaging).</remarks>
public sealed class WhatsAppMediaFetcher(WhatsAppOptions options) : IMediaFetcher, IDisposable
{
    public const string AccessToken = "accessToken";
    // Graph error code 100: "Invalid parameter" / the object does not exist (a media id deleted or never ours).
    private const int GraphInvalidParameter = 100;
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    public ChannelKind Kind => ChannelKind.WhatsApp;

    public async Task<FetchedMedia> FetchAsync(string providerMediaId, ChannelSettings settings, CancellationToken ct)
    {
        if (settings[AccessToken] is not { Length: > 0 } token)
            throw new MediaGoneException("The channel has no access token to fetch media with; add one in its settings, then Retry.");
        if (providerMediaId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-' and not '.'))
            throw new MediaGoneException($"'{providerMediaId}' is not a WhatsApp media id.");

        using var ask = new HttpRequestMessage(HttpMethod.Get, new Uri(options.GraphApiBase, Uri.EscapeDataString(providerMediaId)));
        ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(ask, ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        if (!answer.IsSuccessStatusCode) throw Refusal(answer.StatusCode, body);

        string url, mime;
        string? sha;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            url = root.GetProperty("url").GetString() ?? throw new FormatException("no url");
            mime = root.TryGetProperty("mime_type", out var m) ? m.GetString() ?? "" : "";
            sha = root.TryGetProperty("sha256", out var s) ? s.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new HttpRequestException($"The Graph API answered something unexpected for media {providerMediaId}: {e.Message}", e);
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var download) || download.Scheme is not ("https" or "http"))
            throw new HttpRequestException($"The Graph API gave no usable download URL for media {providerMediaId}.");

        var get = new HttpRequestMessage(HttpMethod.Get, download);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            // An expired URL as much as a server error: the next attempt asks for a new URL.
            var status = response.StatusCode;
            response.Dispose();
            get.Dispose();
            throw new HttpRequestException($"Downloading media {providerMediaId} failed: HTTP {(int)status}.", null, status);
        }
        var stream = await response.Content.ReadAsStreamAsync(ct);
        return new FetchedMedia(new OwningStream(stream, response, get), string.IsNullOrEmpty(mime) ? response.Content.Headers.ContentType?.MediaType : mime, sha);
    }

    /// <summary>The Graph API's error in its own words; gone for good only when it says the media don't exist.</summary>
    private static Exception Refusal(HttpStatusCode status, string body)
    {
        string? message = null;
        int? code = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            }
        }
        catch (JsonException) { /* not Graph's JSON: the status says enough */ }
        var words = $"WhatsApp answered HTTP {(int)status}{(code is null ? "" : $" (code {code})")}: {message ?? "no details"}";
        return code == GraphInvalidParameter || status is HttpStatusCode.NotFound or HttpStatusCode.Gone
            ? new MediaGoneException(words)
            : new HttpRequestException(words, null, status);
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
