using Liaison.Core.Channels;

namespace Liaison.Core.Inbound;

/// <summary>
/// What a channel project gives the server for media that arrive by reference (a WhatsApp media id,
/// a Telegram file id, an expiring URL): how to fetch the bytes. The server records such an
/// attachment as pending when the message is recorded and a background step calls this, retrying
/// with backoff, so nothing that arrived by reference is dropped.
/// </summary>
/// <remarks>One fetcher per <see cref="ChannelKind"/>, registered by its project; the server never names a channel.</remarks>
public interface IMediaFetcher
{
    ChannelKind Kind { get; }

    /// <summary>
    /// Opens the media <paramref name="providerMediaId"/> names. Throws <see cref="MediaGoneException"/>
    /// when the provider says it will never have it (expired, deleted, not ours); any other exception
    /// when it may work later (the provider is down, a rate limit), and the step retries.
    /// </summary>
    Task<FetchedMedia> FetchAsync(string providerMediaId, ChannelSettings settings, CancellationToken ct);
}

/// <summary>The bytes of fetched media, read once; what the provider said about them where it did.</summary>
/// <param name="ContentType">the provider's type when the delivery didn't carry one.</param>
/// <param name="Sha256">the provider's SHA-256 of the bytes (lower-case hex) where it gives one: checked after storing.</param>
public sealed record FetchedMedia(Stream Content, string? ContentType = null, string? Sha256 = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>The provider will never deliver this media (it expired or was deleted): not retried; shown with these words.</summary>
public sealed class MediaGoneException(string message, Exception? innerException = null) : Exception(message, innerException);
