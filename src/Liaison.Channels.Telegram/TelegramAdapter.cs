using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using NodaTime;

namespace Liaison.Channels.Telegram;

/// <summary>
/// Telegram updates, as a webhook posts them or getUpdates returns them: one update per delivery,
/// keyed by its update_id. Messages are keyed "chat id:message id" (Telegram numbers messages per
/// chat). The counterpart is always the person, by numeric id (their @username is an alias of the
/// same identity); a group chat is the conversation the message belongs to (thread "telegram:-100…"),
/// and the group's id is what a client's work chat is known by.
/// </summary>
/// <remarks>
/// Every update is kept: what Liaison does not read is recorded as an "unsupported" item with the
/// raw update stored beside it, never dropped. A replayed update has the same update_id and message
/// ids, so it is stored once.
/// </remarks>
public sealed class TelegramAdapter : IChannelAdapter
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    // Telegram's Message nests a few levels (reply_to_message → photo → …); a body deeper than this is refused as malformed.
    private const int MaxDepth = 32;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
    private static readonly string[] MessageFields = ["message", "channel_post", "business_message"];
    private static readonly string[] EditFields = ["edited_message", "edited_channel_post", "edited_business_message"];

    public ChannelKind Kind => ChannelKind.Telegram;

    /// <summary>Webhook mode only: the header must carry the channel's secret token (compared in constant time).</summary>
    public bool IsAuthentic(WebhookRequest request, ChannelSettings settings)
    {
        if (TelegramDescriptor.IsPolling(settings) || settings[TelegramDescriptor.BotToken] is not { Length: > 0 } token) return false;
        if (!request.Headers.TryGetValue(SecretHeader, out var given)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(TelegramDescriptor.SecretToken(token)));
    }

    public DeliveryKey Identify(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        long? updateId = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new MalformedDeliveryException("A Telegram update is a JSON object.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "update_id" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var id)) updateId = id;
                else reader.Skip();
            }
        }
        catch (JsonException e)
        {
            throw new MalformedDeliveryException($"Not JSON: {e.Message}");
        }
        return updateId is { } known ? new DeliveryKey(UpdateKey(known)) : DeliveryKey.FromContent(body);
    }

    public static string UpdateKey(long updateId) => "update:" + updateId.ToString(CultureInfo.InvariantCulture);

    public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var update = document.RootElement;
        if (update.ValueKind != JsonValueKind.Object || !update.TryGetProperty("update_id", out var updateId) || !updateId.TryGetInt64(out var id))
            throw new FormatException("Not a Telegram update: no update_id.");
        foreach (var field in MessageFields)
            if (update.TryGetProperty(field, out var message)) return [Message(message)];
        foreach (var field in EditFields)
            if (update.TryGetProperty(field, out var edited)) return [Edit(edited)];
        return [Unsupported(update, id)];
    }

    private static InboundEdit Edit(JsonElement message)
    {
        var (text, _) = Content(message);
        var at = message.TryGetProperty("edit_date", out var edit) ? Seconds(edit) : Seconds(message.GetProperty("date"));
        return new InboundEdit(MessageKey(message), at, text);
    }

    private static InboundMessage Message(JsonElement message)
    {
        var chat = message.GetProperty("chat");
        var chatId = chat.GetProperty("id").GetInt64();
        var group = chat.TryGetProperty("type", out var type) && type.GetString() is "group" or "supergroup";
        // A person writes (from); a channel's post or an anonymous admin writes as the chat (sender_chat).
        var (address, name, aliases) = message.TryGetProperty("from", out var from) ? Person(from) : (Id(chatId), Title(chat), []);
        var (text, attachments) = Content(message);
        var service = ServiceText(message, name);
        return new InboundMessage(
            MessageKey(message),
            Seconds(message.GetProperty("date")),
            MessageDirection.Inbound,
            address,
            name,
            service ?? text,
            Html: Quote(message),
            ThreadKey: group ? GroupThread(chatId) : null,
            Attachments: attachments,
            IsAutomated: service is not null || (from.ValueKind == JsonValueKind.Object && from.TryGetProperty("is_bot", out var bot) && bot.ValueKind == JsonValueKind.True))
        {
            CounterpartAliases = aliases,
            GroupAddress = group ? Id(chatId) : null,
            GroupName = group ? Title(chat) : null,
        };
    }

    /// <summary>The conversation a group chat's messages share: the key a new message to the group's address would start too.</summary>
    public static string GroupThread(long chatId) => $"telegram:{Id(chatId)}";

    /// <summary>Telegram numbers messages per chat: the chat's id and the message's make the key.</summary>
    public static string MessageKey(long chatId, long messageId) => $"{Id(chatId)}:{Id(messageId)}";

    private static string MessageKey(JsonElement message) =>
        MessageKey(message.GetProperty("chat").GetProperty("id").GetInt64(), message.GetProperty("message_id").GetInt64());

    /// <summary>The chat a key of <see cref="MessageKey(long,long)"/> names, and the message in it; null for another shape.</summary>
    public static (long ChatId, long MessageId)? ParseMessageKey(string? key)
    {
        var colon = key?.LastIndexOf(':') ?? -1;
        return colon > 0
            && long.TryParse(key.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat)
            && long.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var message)
            ? (chat, message) : null;
    }

    private static (string Address, string? Name, IReadOnlyList<string> Aliases) Person(JsonElement user)
    {
        var name = string.Join(' ', new[] { Str(user, "first_name"), Str(user, "last_name") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var username = Str(user, "username");
        var aliases = username is { Length: > 0 } ? new[] { "@" + username.ToLowerInvariant() } : [];
        // The name as the person gave it; their @username is an address of theirs (an alias), not part of it.
        var shown = name.Length > 0 ? name : username is { Length: > 0 } ? "@" + username : "";
        return (Id(user.GetProperty("id").GetInt64()), shown.Length > 0 ? shown : null, aliases);
    }

    private static string? Title(JsonElement chat) => Str(chat, "title") ?? Str(chat, "username");

    /// <summary>What a message says and carries: its text (or caption), and its media by file id, to be fetched.</summary>
    private static (string Text, IReadOnlyList<InboundAttachment> Attachments) Content(JsonElement message)
    {
        var caption = Str(message, "caption");
        string Described(string what) => caption is { Length: > 0 } ? caption : $"[{what}]";
        if (Str(message, "text") is { } text) return (text, []);
        if (message.TryGetProperty("photo", out var sizes) && sizes.ValueKind == JsonValueKind.Array && sizes.GetArrayLength() > 0)
        {
            // Telegram sends one photo in several sizes, smallest first: the largest is the photo.
            var largest = sizes[sizes.GetArrayLength() - 1];
            return (Described("photo"), [Media(largest, "photo.jpg", "image/jpeg")]);
        }
        if (message.TryGetProperty("voice", out var voice))
            return (Described($"voice message, {Duration(voice)}"), [Media(voice, "voice.ogg", "audio/ogg")]);
        if (message.TryGetProperty("video_note", out var note))
            return ($"[video note, {Duration(note)}]", [Media(note, "video-note.mp4", "video/mp4")]);
        if (message.TryGetProperty("video", out var video))
            return (Described($"video, {Duration(video)}"), [Media(video, "video.mp4", "video/mp4")]);
        if (message.TryGetProperty("audio", out var audio))
            return (Described($"audio, {Duration(audio)}"), [Media(audio, Str(audio, "title") is { } title ? title + ".mp3" : "audio.mp3", "audio/mpeg")]);
        if (message.TryGetProperty("animation", out var animation))
            return (Described("animation"), [Media(animation, "animation.mp4", "video/mp4")]);
        if (message.TryGetProperty("document", out var document))
            return (Described($"file {Str(document, "file_name") ?? ""}".TrimEnd()), [Media(document, "file", "application/octet-stream")]);
        if (message.TryGetProperty("sticker", out var sticker))
        {
            var (file, mime) = Bool(sticker, "is_animated") ? ("sticker.tgs", "application/x-tgsticker")
                : Bool(sticker, "is_video") ? ("sticker.webm", "video/webm") : ("sticker.webp", "image/webp");
            return ($"[sticker {Str(sticker, "emoji")}]".Replace(" ]", "]", StringComparison.Ordinal), [Media(sticker, file, mime)]);
        }
        if (message.TryGetProperty("location", out var location))
            return (string.Create(CultureInfo.InvariantCulture, $"[location {location.GetProperty("latitude").GetDouble()}, {location.GetProperty("longitude").GetDouble()}]"), []);
        if (message.TryGetProperty("venue", out var venue))
            return ($"[place {Str(venue, "title")}, {Str(venue, "address")}]", []);
        if (message.TryGetProperty("contact", out var contact))
        {
            var who = string.Join(' ', new[] { Str(contact, "first_name"), Str(contact, "last_name") }.Where(s => !string.IsNullOrWhiteSpace(s)));
            return ($"[contact {who} {Str(contact, "phone_number")}]".Replace("  ", " ", StringComparison.Ordinal), []);
        }
        // A kind of message this version doesn't read (a poll, a dice, a story): kept, and said so.
        var kind = message.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !KnownMessageFields.Contains(n)) ?? "message";
        return ($"[unsupported Telegram message: {kind}]", []);
    }

    private static readonly HashSet<string> KnownMessageFields =
    [
        "message_id", "message_thread_id", "from", "sender_chat", "sender_boost_count", "sender_business_bot", "date", "business_connection_id", "chat",
        "forward_origin", "is_topic_message", "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story", "via_bot",
        "edit_date", "has_protected_content", "is_from_offline", "media_group_id", "author_signature", "entities", "caption_entities", "link_preview_options",
        "effect_id", "show_caption_above_media", "has_media_spoiler", "reply_markup", "caption",
    ];

    /// <summary>Joined, left, renamed and the like: recorded with what happened, never waiting for an answer.</summary>
    private static string? ServiceText(JsonElement message, string? sender)
    {
        if (message.TryGetProperty("new_chat_members", out var joined) && joined.ValueKind == JsonValueKind.Array)
            return $"[{string.Join(", ", joined.EnumerateArray().Select(u => Person(u).Name ?? Person(u).Address))} joined the chat]";
        if (message.TryGetProperty("left_chat_member", out var left))
            return $"[{Person(left).Name ?? Person(left).Address} left the chat]";
        if (Str(message, "new_chat_title") is { } title) return $"[{sender ?? "Someone"} renamed the chat to “{title}”]";
        if (message.TryGetProperty("new_chat_photo", out _)) return $"[{sender ?? "Someone"} changed the chat's photo]";
        if (message.TryGetProperty("delete_chat_photo", out _)) return $"[{sender ?? "Someone"} removed the chat's photo]";
        if (Bool(message, "group_chat_created") || Bool(message, "supergroup_chat_created")) return $"[{sender ?? "Someone"} created the chat]";
        if (message.TryGetProperty("migrate_to_chat_id", out _)) return "[the group became a supergroup]";
        if (message.TryGetProperty("pinned_message", out var pinned)) return $"[{sender ?? "Someone"} pinned “{Content(pinned).Text}”]";
        return null;
    }

    /// <summary>A reply shows the start of what it answers above it (Telegram's reply_to_message; our threads are chats, so this is where the link is kept).</summary>
    private static string? Quote(JsonElement message)
    {
        if (!message.TryGetProperty("reply_to_message", out var parent) || parent.ValueKind != JsonValueKind.Object) return null;
        var who = parent.TryGetProperty("from", out var from) ? Person(from).Name : null;
        var quoted = Content(parent).Text;
        if (quoted.Length > 200) quoted = quoted[..200] + "…";
        static string enc(string text) => System.Net.WebUtility.HtmlEncode(text);
        var own = Content(message).Text;
        return $"<blockquote data-reply-to=\"{enc(MessageKey(parent))}\">{(who is null ? "" : $"<b>{enc(who)}</b>: ")}{enc(quoted)}</blockquote><p>{enc(own).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
    }

    /// <summary>
    /// An update Liaison doesn't read (a reaction, a member's status, a poll answer): recorded as an
    /// unsupported item in the chat it is about, with the raw update kept; one about no chat cannot
    /// be placed on a timeline and waits on the Undelivered page with its payload.
    /// </summary>
    private static InboundMessage Unsupported(JsonElement update, long updateId)
    {
        var field = update.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != "update_id") ?? "empty";
        var about = update.TryGetProperty(field, out var value) ? value : default;
        if (about.ValueKind != JsonValueKind.Object || !about.TryGetProperty("chat", out var chat) || !about.TryGetProperty("date", out var date))
            throw new FormatException($"Liaison cannot read Telegram updates of type '{field}' yet; the update is kept here as it came.");
        var person = about.TryGetProperty("from", out var from) || about.TryGetProperty("user", out from) ? Person(from) : (Id(chat.GetProperty("id").GetInt64()), Title(chat), []);
        var group = chat.TryGetProperty("type", out var type) && type.GetString() is "group" or "supergroup";
        var chatId = chat.GetProperty("id").GetInt64();
        return new InboundMessage(UpdateKey(updateId), Seconds(date), MessageDirection.Inbound, person.Item1, person.Item2,
            $"[unsupported Telegram update: {field}]", ThreadKey: group ? GroupThread(chatId) : null, IsAutomated: true)
        {
            CounterpartAliases = person.Item3,
            GroupAddress = group ? Id(chatId) : null,
            GroupName = group ? Title(chat) : null,
        };
    }

    private static InboundAttachment Media(JsonElement file, string fallbackName, string fallbackType) =>
        new(Str(file, "file_name") ?? fallbackName, Str(file, "mime_type") ?? fallbackType, ProviderMediaId: file.GetProperty("file_id").GetString());

    private static string Duration(JsonElement media)
    {
        var seconds = media.TryGetProperty("duration", out var d) && d.TryGetInt32(out var s) ? s : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static Instant Seconds(JsonElement value) => Instant.FromUnixTimeSeconds(value.GetInt64());
}
