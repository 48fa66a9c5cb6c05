using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using NodaTime;

namespace Liaison.Channels.Messenger;

/// <summary>
/// Messenger Platform webhooks for a page: Meta signs every POST with X-Hub-Signature-256 (hex
/// HMAC-SHA256 of the raw body under the app secret) and subscribes with a GET hub.challenge
/// handshake. One delivery batches events (entry × messaging): messages, echoes of what the page
/// sent (through us, or typed in the page's inbox), deliveries and reads.
/// </summary>
/// <remarks>
/// An echo is kept as an outbound message under its mid: the mid of a message we sent is the
/// message_id the Send API answered, already on our message, so the echo is recognised and not
/// stored again; one typed in Messenger itself is new, and appears as ours.
/// </remarks>
public sealed class MessengerAdapter : IChannelAdapter
{
    public const string AppSecret = "appSecret";
    public const string VerifyToken = "verifyToken";
    private const string SignatureHeader = "X-Hub-Signature-256";
    // Messenger's events nest about eight levels (entry, messaging, message, attachments, payload); deeper is not Meta.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    /// <summary>What a pending attachment can keep as its reference: a longer URL is kept as the message's words only.</summary>
    private const int MaxMediaUrlLength = 1000;

    public ChannelKind Kind => ChannelKind.Messenger;

    public bool IsAuthentic(WebhookRequest request, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        return Signatures.Valid(request.Headers.TryGetValue(SignatureHeader, out var header) ? header : null, request.Body.Span, settings[AppSecret]);
    }

    public WebhookAnswer? AnswerHandshake(WebhookRequest request, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (request.Method != "GET" || !request.Query.TryGetValue("hub.mode", out var mode) || mode != "subscribe") return null;
        var token = request.Query.GetValueOrDefault("hub.verify_token");
        return settings[VerifyToken] is { Length: > 0 } expected && token is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected))
            ? new WebhookAnswer(200, "text/plain", request.Query.GetValueOrDefault("hub.challenge") ?? "")
            : new WebhookAnswer(403, "text/plain", "verify token mismatch");
    }

    /// <summary>The mids of messages and echoes, the mids (or watermark) of deliveries, the watermark of reads: a retried delivery has the same.</summary>
    public DeliveryKey Identify(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new MalformedDeliveryException($"Not JSON: {e.Message}");
        }
        using (document)
        {
            var ids = new StringBuilder();
            foreach (var messaging in Events(document.RootElement))
            {
                var sender = Id(messaging, "sender");
                if (messaging.TryGetProperty("message", out var message) && Text(message, "mid") is { } mid) ids.Append("m:").Append(mid).Append(';');
                else if (messaging.TryGetProperty("delivery", out var delivery))
                {
                    ids.Append("d:").Append(sender).Append(':');
                    if (delivery.TryGetProperty("mids", out var mids) && mids.ValueKind == JsonValueKind.Array)
                        foreach (var m in mids.EnumerateArray()) ids.Append(m.ToString()).Append(',');
                    ids.Append(Watermark(delivery)).Append(';');
                }
                else if (messaging.TryGetProperty("read", out var read)) ids.Append("r:").Append(sender).Append(':').Append(Watermark(read)).Append(';');
            }
            return ids.Length == 0 ? DeliveryKey.FromContent(body) : new DeliveryKey(ids.ToString());
        }
    }

    public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Text(root, "object") != "page" || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            throw new FormatException("Not a Messenger page notification: no object \"page\" with entries.");
        var items = new List<InboundItem>();
        foreach (var messaging in Events(root))
        {
            // Deliveries carry no timestamp, only their watermark.
            var stamped = Milliseconds(messaging, "timestamp");
            var sender = Id(messaging, "sender") ?? throw new FormatException("A Messenger event without a sender.");
            var recipient = Id(messaging, "recipient") ?? throw new FormatException("A Messenger event without a recipient.");
            if (messaging.TryGetProperty("message", out var message))
            {
                items.Add(Message(message, sender, recipient, stamped ?? throw new FormatException("A Messenger message without a timestamp.")));
            }
            else if (messaging.TryGetProperty("delivery", out var delivery))
            {
                var upTo = Instant.FromUnixTimeMilliseconds(Watermark(delivery));
                if (delivery.TryGetProperty("mids", out var mids) && mids.ValueKind == JsonValueKind.Array && mids.GetArrayLength() > 0)
                    foreach (var mid in mids.EnumerateArray()) items.Add(new InboundStatus(mid.GetString() ?? "", upTo, DeliveryState.Delivered));
                else items.Add(new InboundStatusUpTo(sender, upTo, DeliveryState.Delivered));
            }
            else if (messaging.TryGetProperty("read", out var read))
            {
                items.Add(new InboundStatusUpTo(sender, Instant.FromUnixTimeMilliseconds(Watermark(read)), DeliveryState.Read));
            }
            else
            {
                // A postback, a reaction, an opt-in: kept as words on the timeline rather than dropped.
                var at = stamped ?? throw new FormatException("A Messenger event without a timestamp.");
                var what = messaging.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("sender" or "recipient" or "timestamp")) ?? "event";
                var words = what switch
                {
                    "postback" when messaging.GetProperty("postback").ValueKind == JsonValueKind.Object => $"[pressed \"{Text(messaging.GetProperty("postback"), "title")}\"]",
                    "reaction" when messaging.GetProperty("reaction").ValueKind == JsonValueKind.Object => $"[reaction {Text(messaging.GetProperty("reaction"), "emoji")}]",
                    _ => $"[unsupported Messenger event: {what}]",
                };
                items.Add(new InboundMessage($"{what}:{sender}:{at.ToUnixTimeMilliseconds()}", at, MessageDirection.Inbound, sender, null, words));
            }
        }
        return items;
    }

    private static InboundMessage Message(JsonElement message, string sender, string recipient, Instant at)
    {
        var mid = Text(message, "mid") ?? throw new FormatException("A Messenger message without a mid.");
        var echo = message.TryGetProperty("is_echo", out var isEcho) && isEcho.ValueKind == JsonValueKind.True;
        var attachments = new List<InboundAttachment>();
        var described = new List<string>();
        if (message.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in list.EnumerateArray())
            {
                var type = Text(attachment, "type") ?? "file";
                var url = attachment.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object ? Text(payload, "url") : null;
                if (type is "image" or "video" or "audio" or "file" && url is { Length: > 0 and <= MaxMediaUrlLength })
                {
                    attachments.Add(new InboundAttachment(FileName(url, type), ContentType(type), ProviderMediaId: url));
                    described.Add($"[{type}]");
                }
                else if (type == "location" && payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("coordinates", out var c))
                    described.Add($"[location {c.GetProperty("lat")}, {c.GetProperty("long")}]");
                else described.Add($"[{type} attachment]");
            }
        }
        var text = Text(message, "text") is { Length: > 0 } t ? t : string.Join(" ", described);
        if (text.Length == 0) text = "[empty message]";
        // An echo was sent by the page to the person: the person is its recipient.
        return echo
            ? new InboundMessage(mid, at, MessageDirection.Outbound, recipient, null, text, Attachments: attachments)
            : new InboundMessage(mid, at, MessageDirection.Inbound, sender, null, text, Attachments: attachments);
    }

    /// <summary>The events of every entry: <c>messaging</c>, and <c>standby</c> for conversations another app owns.</summary>
    private static IEnumerable<JsonElement> Events(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) yield break;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) continue;
            foreach (var name in (string[])["messaging", "standby"])
                if (entry.TryGetProperty(name, out var events) && events.ValueKind == JsonValueKind.Array)
                    foreach (var messaging in events.EnumerateArray())
                        if (messaging.ValueKind == JsonValueKind.Object) yield return messaging;
        }
    }

    private static string FileName(string url, string type)
    {
        var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileName(uri.AbsolutePath) : "";
        return name is { Length: > 0 and <= 200 } ? name : type;
    }

    private static string ContentType(string type) => type switch
    {
        "image" => "image/jpeg",
        "video" => "video/mp4",
        "audio" => "audio/mpeg",
        _ => "application/octet-stream",
    };

    private static string? Id(JsonElement messaging, string side) =>
        messaging.TryGetProperty(side, out var who) && who.ValueKind == JsonValueKind.Object && who.TryGetProperty("id", out var id)
            ? id.ValueKind == JsonValueKind.String ? id.GetString() : id.ToString()
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Watermark(JsonElement status) =>
        status.ValueKind == JsonValueKind.Object && status.TryGetProperty("watermark", out var w) && w.ValueKind == JsonValueKind.Number && w.TryGetInt64(out var ms)
            ? Math.Clamp(ms, 0, MaxMilliseconds) : 0;

    private static Instant? Milliseconds(JsonElement messaging, string name) =>
        messaging.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms is >= 0 and <= MaxMilliseconds
            ? Instant.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>9999-12-31: a timestamp past it is not Meta's (and no Instant).</summary>
    private const long MaxMilliseconds = 253_402_300_799_000;
}

/// <summary>Meta's X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body under the app secret, compared in constant time.</summary>
public static class Signatures
{
    public static bool Valid(string? header, ReadOnlySpan<byte> body, string? appSecret)
    {
        if (appSecret is not { Length: > 0 } || header is null || !header.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        Span<byte> given = stackalloc byte[32];
        var hex = header.AsSpan(7);
        if (hex.Length != 64 || Convert.FromHexString(hex, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
