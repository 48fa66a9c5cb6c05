using System.Globalization;
using System.Text.Json.Nodes;

namespace Liaison.Testing;

/// <summary>
/// Telegram updates shaped as the Bot API documentation shows them (Update with update_id and one
/// of message, edited_message, …; Message with message_id, from, chat, date and its content), for
/// a webhook to post or getUpdates to return.
/// </summary>
public static class TelegramUpdates
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>A person as Telegram describes them: numeric id, names, optional @username.</summary>
    public sealed record Person(long Id, string FirstName, string? LastName = null, string? Username = null)
    {
        public JsonObject Json()
        {
            var user = new JsonObject { ["id"] = Id, ["is_bot"] = false, ["first_name"] = FirstName };
            if (LastName is not null) user["last_name"] = LastName;
            if (Username is not null) user["username"] = Username;
            user["language_code"] = "pl";
            return user;
        }
    }

    /// <summary>A chat: a person's private chat (its id is theirs) or a group (negative id, a title).</summary>
    public sealed record Chat(long Id, string? Title = null)
    {
        public static Chat With(Person person) => new(person.Id);

        public JsonObject Json(Person? person) => Title is null
            ? new JsonObject { ["id"] = Id, ["first_name"] = person?.FirstName, ["type"] = "private" }
            : new JsonObject { ["id"] = Id, ["title"] = Title, ["type"] = "supergroup" };
    }

    public static string Text(long updateId, Person from, Chat chat, long messageId, string text, DateTimeOffset at, string? replyToText = null, long? replyToId = null)
    {
        var message = Message(from, chat, messageId, at);
        message["text"] = text;
        if (text.StartsWith('/')) message["entities"] = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = text.Split(' ')[0].Length, ["type"] = "bot_command" });
        if (replyToId is { } parent)
        {
            var replied = Message(new Person(FakeTelegramBotApi.BotId, "Liaison test bot", Username: "liaison_test_bot"), chat, parent, at.AddMinutes(-5));
            replied["text"] = replyToText ?? "";
            message["reply_to_message"] = replied;
        }
        return Update(updateId, "message", message);
    }

    /// <summary>A text with entities: a bold run and a link, as Telegram marks them (offsets in UTF-16 code units).</summary>
    public static string Formatted(long updateId, Person from, Chat chat, long messageId, string text, int boldOffset, int boldLength, DateTimeOffset at)
    {
        var message = Message(from, chat, messageId, at);
        message["text"] = text;
        message["entities"] = new JsonArray(new JsonObject { ["offset"] = boldOffset, ["length"] = boldLength, ["type"] = "bold" });
        return Update(updateId, "message", message);
    }

    public static string Edited(long updateId, Person from, Chat chat, long messageId, string newText, DateTimeOffset sentAt, DateTimeOffset editedAt)
    {
        var message = Message(from, chat, messageId, sentAt);
        message["edit_date"] = editedAt.ToUnixTimeSeconds();
        message["text"] = newText;
        return Update(updateId, "edited_message", message);
    }

    /// <summary>A photo in the sizes Telegram sends (smallest first), with an optional caption.</summary>
    public static string Photo(long updateId, Person from, Chat chat, long messageId, string largestFileId, DateTimeOffset at, string? caption = null)
    {
        var message = Message(from, chat, messageId, at);
        message["photo"] = new JsonArray(
            new JsonObject { ["file_id"] = largestFileId + "-s", ["file_unique_id"] = "AQADs", ["file_size"] = 1201, ["width"] = 90, ["height"] = 67 },
            new JsonObject { ["file_id"] = largestFileId, ["file_unique_id"] = "AQADl", ["file_size"] = 48217, ["width"] = 1280, ["height"] = 960 });
        if (caption is not null) message["caption"] = caption;
        return Update(updateId, "message", message);
    }

    public static string Document(long updateId, Person from, Chat chat, long messageId, string fileId, string fileName, string mimeType, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "document", new JsonObject { ["file_name"] = fileName, ["mime_type"] = mimeType, ["file_id"] = fileId, ["file_unique_id"] = "AgADdoc", ["file_size"] = 2048 });

    public static string Voice(long updateId, Person from, Chat chat, long messageId, string fileId, int seconds, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "voice", new JsonObject { ["duration"] = seconds, ["mime_type"] = "audio/ogg", ["file_id"] = fileId, ["file_unique_id"] = "AgADvoice", ["file_size"] = 7340 });

    public static string VideoNote(long updateId, Person from, Chat chat, long messageId, string fileId, int seconds, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "video_note", new JsonObject { ["duration"] = seconds, ["length"] = 240, ["file_id"] = fileId, ["file_unique_id"] = "AgADnote", ["file_size"] = 90210 });

    public static string Sticker(long updateId, Person from, Chat chat, long messageId, string fileId, string emoji, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "sticker", new JsonObject
        {
            ["width"] = 512, ["height"] = 512, ["emoji"] = emoji, ["set_name"] = "HotCherry", ["is_animated"] = false, ["is_video"] = false, ["type"] = "regular",
            ["file_id"] = fileId, ["file_unique_id"] = "AgADstk", ["file_size"] = 22436,
        });

    public static string Location(long updateId, Person from, Chat chat, long messageId, double latitude, double longitude, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "location", new JsonObject { ["latitude"] = latitude, ["longitude"] = longitude });

    public static string Contact(long updateId, Person from, Chat chat, long messageId, string phone, string firstName, string lastName, DateTimeOffset at) =>
        Media(updateId, from, chat, messageId, at, "contact", new JsonObject { ["phone_number"] = phone, ["first_name"] = firstName, ["last_name"] = lastName });

    public static string Joined(long updateId, Person by, Chat group, long messageId, Person joined, DateTimeOffset at)
    {
        var message = Message(by, group, messageId, at);
        message["new_chat_participant"] = joined.Json();
        message["new_chat_member"] = joined.Json();
        message["new_chat_members"] = new JsonArray(joined.Json());
        return Update(updateId, "message", message);
    }

    public static string Left(long updateId, Person by, Chat group, long messageId, Person left, DateTimeOffset at)
    {
        var message = Message(by, group, messageId, at);
        message["left_chat_participant"] = left.Json();
        message["left_chat_member"] = left.Json();
        return Update(updateId, "message", message);
    }

    public static string TitleChanged(long updateId, Person by, Chat group, long messageId, string title, DateTimeOffset at)
    {
        var message = Message(by, group, messageId, at);
        message["new_chat_title"] = title;
        return Update(updateId, "message", message);
    }

    /// <summary>A reaction (an update type Liaison does not read), as Telegram sends message_reaction.</summary>
    public static string Reaction(long updateId, Person user, Chat chat, long messageId, string emoji, DateTimeOffset at) =>
        Update(updateId, "message_reaction", new JsonObject
        {
            ["chat"] = chat.Json(user), ["message_id"] = messageId, ["user"] = user.Json(), ["date"] = at.ToUnixTimeSeconds(),
            ["old_reaction"] = new JsonArray(), ["new_reaction"] = new JsonArray(new JsonObject { ["type"] = "emoji", ["emoji"] = emoji }),
        });

    /// <summary>A poll's state (about no chat): nothing to place on a timeline.</summary>
    public static string Poll(long updateId) =>
        Update(updateId, "poll", new JsonObject
        {
            ["id"] = "5436046230398255106", ["question"] = "Termin?", ["options"] = new JsonArray(new JsonObject { ["text"] = "Pn", ["voter_count"] = 1 }),
            ["total_voter_count"] = 1, ["is_closed"] = false, ["is_anonymous"] = true, ["type"] = "regular", ["allows_multiple_answers"] = false,
        });

    private static string Media(long updateId, Person from, Chat chat, long messageId, DateTimeOffset at, string field, JsonObject media)
    {
        var message = Message(from, chat, messageId, at);
        message[field] = media;
        return Update(updateId, "message", message);
    }

    private static JsonObject Message(Person from, Chat chat, long messageId, DateTimeOffset at) => new()
    {
        ["message_id"] = messageId, ["from"] = from.Json(), ["chat"] = chat.Json(from), ["date"] = at.ToUnixTimeSeconds(),
    };

    private static string Update(long updateId, string field, JsonObject value) =>
        new JsonObject { ["update_id"] = updateId, [field] = value }.ToJsonString();

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
