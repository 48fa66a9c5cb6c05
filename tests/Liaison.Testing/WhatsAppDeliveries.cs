using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Liaison.Testing;

/// <summary>
/// WhatsApp Cloud API webhook deliveries shaped exactly as Meta's documentation shows them
/// (object whatsapp_business_account → entry → changes → value with metadata, contacts, messages or
/// statuses), signed the way Meta signs them: X-Hub-Signature-256 = "sha256=" + HMAC-SHA256 of the raw body.
/// </summary>
public static class WhatsAppDeliveries
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public static string Text(string fromWaId, string profileName, string wamid, string text, DateTimeOffset at) =>
        Envelope($$"""
            "contacts": [ { "profile": { "name": {{JsonSerializer.Serialize(profileName)}} }, "wa_id": "{{fromWaId}}" } ],
            "messages": [ { "from": "{{fromWaId}}", "id": "{{wamid}}", "timestamp": "{{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}", "text": { "body": {{JsonSerializer.Serialize(text)}} }, "type": "text" } ]
            """);

    /// <summary>A message with media, as the Cloud API sends an image, a document or a voice note: the bytes are not in it, only the media id.</summary>
    /// <param name="type">image, document, audio, video or sticker.</param>
    public static string Media(string fromWaId, string profileName, string wamid, string type, string mediaId, string mimeType, DateTimeOffset at, string? caption = null, string? fileName = null) =>
        Envelope($$"""
            "contacts": [ { "profile": { "name": {{JsonSerializer.Serialize(profileName)}} }, "wa_id": "{{fromWaId}}" } ],
            "messages": [ { "from": "{{fromWaId}}", "id": "{{wamid}}", "timestamp": "{{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}", "type": "{{type}}",
              "{{type}}": { {{(caption is null ? "" : $"\"caption\": {JsonSerializer.Serialize(caption)}, ")}}{{(fileName is null ? "" : $"\"filename\": {JsonSerializer.Serialize(fileName)}, ")}}"mime_type": "{{mimeType}}", "sha256": "a7b3c9", "id": "{{mediaId}}" } } ]
            """);

    public static string Status(string wamid, string recipientWaId, string status, DateTimeOffset at) =>
        Envelope($$"""
            "statuses": [ { "id": "{{wamid}}", "status": "{{status}}", "timestamp": "{{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}", "recipient_id": "{{recipientWaId}}" } ]
            """);

    public static string Sign(string body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body)));

    private static string Envelope(string value) => $$"""
        { "object": "whatsapp_business_account", "entry": [ { "id": "102290129340398", "changes": [ { "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
            {{value}}
        }, "field": "messages" } ] } ] }
        """;
}
