using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using NodaTime;

namespace Liaison.Channels.WhatsApp;

/// <summary>
/// WhatsApp Business Cloud API webhooks: Meta signs every POST with X-Hub-Signature-256 (HMAC-SHA256
/// of the raw body under the app secret) and subscribes with a GET hub.challenge handshake. One
/// delivery may batch several messages and statuses (entry × changes × messages/statuses).
/// </summary>
/// <remarks>Settings: <c>appSecret</c> (signature), <c>verifyToken</c> (handshake).</remarks>
public sealed class WhatsAppAdapter : IChannelAdapter
{
    public const string AppSecret = "appSecret";
    public const string VerifyToken = "verifyToken";
    private const string SignatureHeader = "X-Hub-Signature-256";
    // Meta's notifications nest about ten levels at most (entry, changes, value, statuses, status,
    // errors, error_data); a body nested deeper than this is refused as malformed before it is stored. Both readers below are iterative, and
    // System.Text.Json enforces the depth itself: no deep body can reach a recursive walk.
    private const int MaxDepth = 32;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public ChannelKind Kind => ChannelKind.WhatsApp;

    public bool IsAuthentic(WebhookRequest request, ChannelSettings settings)
    {
        if (settings[AppSecret] is not { Length: > 0 } secret) return false;
        if (!request.Headers.TryGetValue(SignatureHeader, out var header) || !header.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        Span<byte> given = stackalloc byte[32];
        if (!TryHex(header.AsSpan(7), given)) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body.Span, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    public WebhookAnswer? AnswerHandshake(WebhookRequest request, ChannelSettings settings)
    {
        if (request.Method != "GET" || !request.Query.TryGetValue("hub.mode", out var mode) || mode != "subscribe") return null;
        var token = request.Query.GetValueOrDefault("hub.verify_token");
        return settings[VerifyToken] is { Length: > 0 } expected && token is not null && SameSecret(token, expected)
            ? new WebhookAnswer(200, "text/plain", request.Query.GetValueOrDefault("hub.challenge") ?? "")
            : new WebhookAnswer(403, "text/plain", "verify token mismatch");
    }

    /// <summary>
    /// Compares in time that depends only on the lengths, so that answering a guess does not tell how
    /// many of its first characters were right.
    /// </summary>
    private static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>
    /// The wamids of the messages, and the (wamid, status) pairs of the statuses: a retried delivery
    /// has the same ids, while "delivered" and then "read" of one message are two deliveries.
    /// </summary>
    public DeliveryKey Identify(ReadOnlySpan<byte> body)
    {
        var ids = new StringBuilder();
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            // A streaming pass: the key needs only the ids, and this runs on every request before the commit.
            string? section = null;
            var depth = 0;
            var sectionDepth = -1;
            string? status = null, id = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (section == "statuses" && depth == sectionDepth + 2 && reader.TokenType == JsonTokenType.EndObject && id is not null)
                        {
                            ids.Append("s:").Append(id).Append(':').Append(status).Append(';');
                            id = status = null;
                        }
                        depth--;
                        if (depth == sectionDepth) section = null;
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString();
                        if (section is null && name is "messages" or "statuses")
                        {
                            section = name;
                            sectionDepth = depth;
                        }
                        else if (section is not null && depth == sectionDepth + 2 && name is "id" or "status")
                        {
                            reader.Read();
                            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                            if (name == "status") status = value;
                            else if (section == "messages") ids.Append("m:").Append(value).Append(';');
                            else id = value;
                        }
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new MalformedDeliveryException($"Not JSON: {e.Message}");
        }
        return ids.Length == 0 ? DeliveryKey.FromContent(body) : new DeliveryKey(ids.ToString());
    }

    public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var root = document.RootElement;
        if (!root.TryGetProperty("object", out var kind) || kind.GetString() != "whatsapp_business_account" || !root.TryGetProperty("entry", out var entries))
            throw new FormatException("Not a WhatsApp Business Account notification: no object \"whatsapp_business_account\" with entries.");
        var items = new List<InboundItem>();
        foreach (var entry in entries.EnumerateArray())
        {
            if (!entry.TryGetProperty("changes", out var changes)) continue;
            foreach (var change in changes.EnumerateArray())
            {
                if (!change.TryGetProperty("value", out var value)) continue;
                var names = Names(value);
                if (value.TryGetProperty("messages", out var messages))
                    foreach (var message in messages.EnumerateArray()) items.Add(Message(message, names));
                if (value.TryGetProperty("statuses", out var statuses))
                    foreach (var status in statuses.EnumerateArray()) items.Add(Status(status));
            }
        }
        return items;
    }

    private static Dictionary<string, string> Names(JsonElement value)
    {
        var names = new Dictionary<string, string>();
        if (value.TryGetProperty("contacts", out var contacts))
            foreach (var contact in contacts.EnumerateArray())
                if (contact.TryGetProperty("wa_id", out var waId) && contact.TryGetProperty("profile", out var profile) && profile.TryGetProperty("name", out var name))
                    names[waId.GetString() ?? ""] = name.GetString() ?? "";
        return names;
    }

    private static InboundMessage Message(JsonElement message, Dictionary<string, string> names)
    {
        var from = message.GetProperty("from").GetString() ?? throw new FormatException("A message without 'from'.");
        var type = message.TryGetProperty("type", out var t) ? t.GetString() : "text";
        var attachments = new List<InboundAttachment>();
        string text;
        switch (type)
        {
            case "text":
                text = message.GetProperty("text").GetProperty("body").GetString() ?? "";
                break;
            case "image" or "video" or "audio" or "document" or "sticker":
                var media = message.GetProperty(type);
                var mime = media.TryGetProperty("mime_type", out var m) ? m.GetString() ?? "" : "";
                var fileName = media.TryGetProperty("filename", out var f) ? f.GetString() ?? type : type;
                attachments.Add(new InboundAttachment(fileName, mime, ProviderMediaId: media.GetProperty("id").GetString()));
                // A voice message has no words to show; the caption, when there is one, is the text.
                text = media.TryGetProperty("caption", out var caption) ? caption.GetString() ?? "" : $"[{(media.TryGetProperty("voice", out var v) && v.GetBoolean() ? "voice message" : type)}]";
                break;
            case "location":
                var location = message.GetProperty("location");
                text = string.Create(CultureInfo.InvariantCulture, $"[location {location.GetProperty("latitude").GetDouble()}, {location.GetProperty("longitude").GetDouble()}]");
                break;
            case "reaction":
                text = $"[reaction {message.GetProperty("reaction").GetProperty("emoji").GetString()}]";
                break;
            default:
                text = $"[{type} message]";
                break;
        }
        return new InboundMessage(
            message.GetProperty("id").GetString() ?? throw new FormatException("A message without 'id'."),
            UnixSeconds(message.GetProperty("timestamp")),
            MessageDirection.Inbound,
            "+" + from,
            names.GetValueOrDefault(from),
            text,
            Attachments: attachments);
    }

    private static InboundStatus Status(JsonElement status)
    {
        var state = status.GetProperty("status").GetString() switch
        {
            "sent" => DeliveryState.Sent,
            "delivered" => DeliveryState.Delivered,
            "read" => DeliveryState.Read,
            "failed" => DeliveryState.Failed,
            var other => throw new FormatException($"Unknown message status '{other}'."),
        };
        string? error = null;
        if (status.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0)
            error = errors[0].TryGetProperty("title", out var title) ? title.GetString() : errors[0].ToString();
        return new InboundStatus(status.GetProperty("id").GetString()!, UnixSeconds(status.GetProperty("timestamp")), state, error);
    }

    private static Instant UnixSeconds(JsonElement value) =>
        Instant.FromUnixTimeSeconds(value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, CultureInfo.InvariantCulture));

    private static bool TryHex(ReadOnlySpan<char> hex, Span<byte> into)
    {
        if (hex.Length != into.Length * 2) return false;
        return Convert.FromHexString(hex, into, out _, out var written) == System.Buffers.OperationStatus.Done && written == into.Length;
    }
}
