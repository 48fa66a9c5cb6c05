using Liaison.Core.Channels;

namespace Liaison.Core.Inbound;

/// <summary>
/// What a channel project gives the inbound pipeline: how to tell a genuine delivery, which provider
/// ids make it unique, and what it says. The pipeline stores first and parses later, so
/// <see cref="Parse"/> runs on the stored bytes, possibly long after the request was answered, and
/// may run again after a failure: it must be a pure function of the payload.
/// </summary>
/// <remarks>
/// One adapter per <see cref="ChannelKind"/>, registered by its project with one line. The pipeline
/// never names a channel; nothing here knows about HTTP frameworks or databases.
/// </remarks>
public interface IChannelAdapter
{
    ChannelKind Kind { get; }

    /// <summary>
    /// True when <paramref name="request"/> really comes from the provider (signature, secret token).
    /// Runs before anything is stored; must be cheap and must not throw on garbage.
    /// </summary>
    bool IsAuthentic(WebhookRequest request, ChannelSettings settings);

    /// <summary>
    /// The delivery's identity from the provider's own ids (Telegram update_id, WhatsApp wamid, ...),
    /// so a retried delivery is stored once. Throws <see cref="MalformedDeliveryException"/> when the
    /// body is not even well-formed (not JSON): such a request is refused and nothing is stored.
    /// A well-formed body the adapter doesn't understand gets a key from its content hash
    /// (<see cref="DeliveryKey.FromContent"/>) and is stored raw, to be shown rather than dropped.
    /// </summary>
    DeliveryKey Identify(ReadOnlySpan<byte> body);

    /// <summary>The items a stored delivery carries. Throws when it cannot understand it; the pipeline keeps it and shows it.</summary>
    IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings);

    /// <summary>
    /// The same from a seekable stream: large stored payloads (a mail with a 50 MB attachment) are read
    /// from disk, and an adapter that can should leave attachments in the stream
    /// (<see cref="InboundAttachment.CopyTo"/>) instead of copying them into memory.
    /// </summary>
    IReadOnlyList<InboundItem> Parse(Stream payload, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(payload);
        using var buffer = new MemoryStream();
        payload.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), settings);
    }

    /// <summary>
    /// Answers a provider's subscription handshake (Meta's GET hub.challenge), or null when the
    /// request is not one. Handshakes are answered, never stored.
    /// </summary>
    WebhookAnswer? AnswerHandshake(WebhookRequest request, ChannelSettings settings) => null;
}

/// <summary>A webhook request as the adapter needs to see it: no framework types.</summary>
/// <param name="Headers">header names compared case-insensitively.</param>
/// <param name="Query">the query string's parameters.</param>
public sealed record WebhookRequest(
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    ReadOnlyMemory<byte> Body);

/// <summary>An answer the adapter gives itself (a handshake's challenge echoed back).</summary>
public sealed record WebhookAnswer(int Status, string ContentType, string Body);

/// <summary>
/// A channel's own settings (tokens, secrets, hosts) as name/value pairs; the server keeps them
/// encrypted at rest and hands them to the adapter decrypted.
/// </summary>
public sealed class ChannelSettings(IReadOnlyDictionary<string, string> values)
{
    public static readonly ChannelSettings Empty = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    public string? this[string name] => Values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) => this[name] is { Length: > 0 } value
        ? value
        : throw new DomainRuleException("channel.setting.missing", $"The channel has no '{name}' setting.", name);
}

/// <summary>The body is not well-formed at all; the request is refused with 400 and nothing is stored.</summary>
public sealed class MalformedDeliveryException(string message) : Exception(message);
