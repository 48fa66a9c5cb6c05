using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Liaison.Testing;

/// <summary>
/// Messenger Platform webhook deliveries shaped as Meta's webhook events reference shows them
/// (object page → entry with id and time → messaging events with sender, recipient, timestamp in
/// milliseconds and message / delivery / read), signed as Meta signs them: X-Hub-Signature-256.
/// </summary>
public static class MessengerDeliveries
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string PageId = "107331111222333";

    public static string Text(string psid, string mid, string text, DateTimeOffset at) =>
        Envelope(at, $$"""{ "sender": { "id": "{{psid}}" }, "recipient": { "id": "{{PageId}}" }, "timestamp": {{Ms(at)}}, "message": { "mid": "{{mid}}", "text": {{JsonSerializer.Serialize(text)}} } }""");

    /// <param name="type">image, video, audio or file; the payload's URL is where Meta's CDN serves it, for a short while.</param>
    public static string Attachment(string psid, string mid, string type, string url, DateTimeOffset at) =>
        Envelope(at, $$"""{ "sender": { "id": "{{psid}}" }, "recipient": { "id": "{{PageId}}" }, "timestamp": {{Ms(at)}}, "message": { "mid": "{{mid}}", "attachments": [ { "type": "{{type}}", "payload": { "url": {{JsonSerializer.Serialize(url)}} } } ] } }""");

    /// <summary>A message the page sent, echoed back: by our app (its app_id) or typed in the page's inbox (Meta's own app id).</summary>
    public static string Echo(string psid, string mid, string text, DateTimeOffset at, long appId = 263902037430900) =>
        Envelope(at, $$"""{ "sender": { "id": "{{PageId}}" }, "recipient": { "id": "{{psid}}" }, "timestamp": {{Ms(at)}}, "message": { "is_echo": true, "app_id": {{appId}}, "mid": "{{mid}}", "text": {{JsonSerializer.Serialize(text)}} } }""");

    public static string Delivery(string psid, IReadOnlyList<string> mids, DateTimeOffset watermark) =>
        Envelope(watermark, $$"""{ "sender": { "id": "{{psid}}" }, "recipient": { "id": "{{PageId}}" }, "delivery": { "mids": [{{string.Join(", ", mids.Select(m => JsonSerializer.Serialize(m)))}}], "watermark": {{Ms(watermark)}} } }""");

    public static string Read(string psid, DateTimeOffset watermark) =>
        Envelope(watermark, $$"""{ "sender": { "id": "{{psid}}" }, "recipient": { "id": "{{PageId}}" }, "timestamp": {{Ms(watermark.AddMilliseconds(210))}}, "read": { "watermark": {{Ms(watermark)}} } }""");

    public static string Sign(string body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body)));

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Envelope(DateTimeOffset at, string messaging) =>
        $$"""{ "object": "page", "entry": [ { "id": "{{PageId}}", "time": {{Ms(at)}}, "messaging": [ {{messaging}} ] } ] }""";
}
