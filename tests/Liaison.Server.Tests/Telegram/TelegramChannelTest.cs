using System.Net;
using System.Text;
using Liaison.Core.Channels;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Outbox;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Testing.TelegramUpdates;

namespace Liaison.Server.Tests.Telegram;

/// <summary>
/// The Telegram channel end to end: the real Telegram.Bot client code against a local Bot API that
/// answers as Telegram documents, updates posted to the channel's hook as Telegram posts them.
/// </summary>
public class TelegramChannelTest
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 30, 9, 30, 0, TimeSpan.Zero);
    private static readonly Person Anna = new(381_245_001, "Anna", "Kowalska", "anna_kow");

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WrongBotToken_IsRefusedAtConnectInTelegramsWords_AndNoChannelIsLeft(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);

        var refused = await (await app.Api().Post("/api/channels", new
        {
            kind = "telegram", name = "Bot", settings = new Dictionary<string, string> { ["botToken"] = "7000000001:AAwrong-token", ["mode"] = "webhook" },
        })).Json(HttpStatusCode.BadRequest);

        Assert.Contains("Unauthorized", refused.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(refused["errors"]?["botToken"]);
        Assert.Equal(0, await app.WithDb(d => d.Channels.CountAsync(c => c.Kind == ChannelKind.Telegram)));
        Assert.Null(api.WebhookUrl);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ConnectInWebhookMode_SetsTheWebhookToTheChannelsHook_WithASecretToken_AndNeverTheTokenInTheUrl(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);

        var bot = await TelegramBot.ConnectAsync(app, api);

        Assert.Equal($"{TelegramBot.PublicBaseUrl}/hooks/{bot.Id}", api.WebhookUrl);
        Assert.DoesNotContain(api.Token.Split(':')[1], api.WebhookUrl, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9_-]{32,256}$", api.WebhookSecret);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AnEditToLongPolling_DeletesTheWebhook_AndAnEditWithAWrongToken_IsRefusedInTelegramsWords_ChangingNothing(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);

        var refused = await (await app.Api().Put($"/api/channels/{bot.Id}/settings", new { settings = new Dictionary<string, string?> { ["botToken"] = "7000000001:AAnot-this-one", ["mode"] = "polling" } }))
            .Json(HttpStatusCode.BadRequest);
        Assert.Contains("Unauthorized", refused.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(api.WebhookUrl);
        var settings = await (await app.Api().GetAsync($"/api/channels/{bot.Id}/settings")).Json(HttpStatusCode.OK);
        Assert.Equal("webhook", settings["values"]!["mode"]!.GetValue<string>());

        await (await app.Api().Put($"/api/channels/{bot.Id}/settings", new { settings = new Dictionary<string, string?> { ["botToken"] = "", ["mode"] = "polling" } })).Json(HttpStatusCode.OK);
        Assert.Null(api.WebhookUrl);
        await Eventually.Until(() => Task.FromResult(api.Offsets.Count), n => n > 0, "the bot polled");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UpdateWithAWrongOrMissingSecret_IsRefused_AndNothingIsStored(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var update = Text(9001, Anna, Chat.With(Anna), 11, "Dzień dobry", Sent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.PostAsync(update, secret: "not-the-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.PostAsync(update, secret: "")).StatusCode);

        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TextFromAContact_LandsOnTheirTimeline_AndAReplayedUpdateIsStoredOnce(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));
        var update = Text(9002, Anna, Chat.With(Anna), 12, "Czy możemy przesunąć termin? 🙏", Sent);

        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync(update)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync(update)).StatusCode);

        var items = await TimelineAsync(app, clientId, 1);
        Assert.Equal("Czy możemy przesunąć termin? 🙏", items[0]!["text"]!.GetValue<string>());
        Assert.Equal("telegram", items[0]!["channel"]!.GetValue<string>());
        Assert.True(items[0]!["needsAnswer"]!.GetValue<bool>());
        Assert.Equal(1, await app.WithDb(d => d.InboundDeliveries.CountAsync()));
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ProviderMessageId == $"{Anna.Id}:12")));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task EveryKindOfMessage_IsKept_WithItsMediaFetchedThroughGetFile(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        var photo = Encoding.UTF8.GetBytes("JPEG of the signed offer " + Guid.NewGuid());
        var voice = "OggS a voice message"u8.ToArray();
        api.AddFile("AgACphoto", "photos/file_1.jpg", photo);
        api.AddFile("BQACdoc", "documents/file_2.pdf", "%PDF-1.7 brief"u8.ToArray());
        api.AddFile("AwACvoice", "voice/file_3.oga", voice);
        api.AddFile("DQACnote", "video_notes/file_4.mp4", "mp4 round video"u8.ToArray());
        api.AddFile("CAACsticker", "stickers/file_5.webp", "RIFF webp"u8.ToArray());
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));
        var chat = Chat.With(Anna);

        string[] updates =
        [
            Photo(9101, Anna, chat, 21, "AgACphoto", Sent, caption: "Podpisana oferta"),
            Document(9102, Anna, chat, 22, "BQACdoc", "brief.pdf", "application/pdf", Sent.AddMinutes(1)),
            Voice(9103, Anna, chat, 23, "AwACvoice", 312, Sent.AddMinutes(2)),
            VideoNote(9104, Anna, chat, 24, "DQACnote", 12, Sent.AddMinutes(3)),
            Sticker(9105, Anna, chat, 25, "CAACsticker", "👍", Sent.AddMinutes(4)),
            Location(9106, Anna, chat, 26, 52.2297, 21.0122, Sent.AddMinutes(5)),
            Contact(9107, Anna, chat, 27, "+48601234567", "Piotr", "Nowak", Sent.AddMinutes(6)),
            Formatted(9108, Anna, chat, 28, "Termin: piątek", 0, 6, Sent.AddMinutes(7)),
        ];
        foreach (var update in updates) Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync(update)).StatusCode);

        await Eventually.Until(() => app.WithDb(d => d.Attachments.CountAsync()), n => n == 5, "the five files fetched through getFile");
        var items = await TimelineAsync(app, clientId, updates.Length);
        var texts = items.Select(i => i!["text"]!.GetValue<string>()).Reverse().ToList();
        Assert.Equal(["Podpisana oferta", "[file brief.pdf]", "[voice message, 5:12]", "[video note, 0:12]", "[sticker 👍]",
            "[location 52.2297, 21.0122]", "[contact Piotr Nowak +48601234567]", "Termin: piątek"], texts);
        var files = await app.WithDb(d => d.Attachments.OrderBy(a => a.Id).Select(a => new { a.FileName, a.ContentType, a.Size }).ToListAsync());
        Assert.Contains(files, f => f.FileName == "photo.jpg" && f.Size == photo.Length);
        Assert.Contains(files, f => f.FileName == "brief.pdf" && f.ContentType == "application/pdf");
        Assert.Contains(files, f => f.FileName == "voice.ogg" && f.ContentType == "audio/ogg" && f.Size == voice.Length);
        Assert.Equal(0, await app.WithDb(d => d.PendingAttachments().CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AFileTelegramDoesNotHave_StaysWithItsMessage_MarkedWithTelegramsWords(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));

        await bot.PostAsync(Document(9151, Anna, Chat.With(Anna), 31, "BQACgone", "umowa.pdf", "application/pdf", Sent));

        var failed = await Eventually.Until(() => app.WithDb(d => d.PendingAttachments().FirstOrDefaultAsync()), p => p?.State == PendingAttachmentState.Failed, "the fetch given up");
        Assert.Contains("invalid file_id", failed!.LastError, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ProviderMessageId == $"{Anna.Id}:31")));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AnEdit_ChangesTheText_AndKeepsTheEarlierOneInItsHistory(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));

        await bot.PostAsync(Text(9201, Anna, Chat.With(Anna), 41, "Spotkanie w środę", Sent));
        await TimelineAsync(app, clientId, 1);
        await bot.PostAsync(Edited(9202, Anna, Chat.With(Anna), 41, "Spotkanie w czwartek", Sent, Sent.AddMinutes(3)));

        var items = await Eventually.Until(async () => await TimelineAsync(app, clientId, 1), i => i[0]!["text"]!.GetValue<string>() == "Spotkanie w czwartek", "the edit applied");
        Assert.NotNull(items[0]!["editedAt"]);
        var history = await app.WithDb(d => d.MessageEvents.Where(e => e.Kind == MessageEventKind.Edited).Select(e => e.Text).ToListAsync());
        Assert.Equal(["Spotkanie w środę"], history);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AGroupKnownAsAClientsWorkChat_IsOneConversation_ItsNewMembersBecomeContacts_AndItsServiceMessagesAreRecorded(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var group = new Chat(-1001987654321, "ACME × Liaison");
        var clientId = await TelegramBot.ClientWithContactAsync(app, "ACME", "Work chat", Id(group.Id));
        var marek = new Person(381_245_777, "Marek", "Zieliński", "marek_z");

        await bot.PostAsync(Joined(9301, Anna, group, 51, marek, Sent));
        await bot.PostAsync(Text(9302, marek, group, 52, "Cześć, jestem nowy w projekcie", Sent.AddMinutes(1)));
        await bot.PostAsync(TitleChanged(9303, Anna, group, 53, "ACME × Liaison 2027", Sent.AddMinutes(2)));
        await bot.PostAsync(Left(9304, Anna, group, 54, marek, Sent.AddMinutes(3)));

        var items = await TimelineAsync(app, clientId, 4);
        var texts = items.Select(i => i!["text"]!.GetValue<string>()).Reverse().ToList();
        Assert.Equal(["[Marek Zieliński joined the chat]", "Cześć, jestem nowy w projekcie", "[Anna Kowalska renamed the chat to “ACME × Liaison 2027”]", "[Marek Zieliński left the chat]"], texts);
        Assert.False(items[0]!["needsAnswer"]!.GetValue<bool>());
        Assert.Single(await app.WithDb(d => d.Messages.Where(m => m.ClientId == clientId).Select(m => m.ConversationId).Distinct().ToListAsync()));
        var member = await app.WithDb(d => d.Contacts.Include(c => c.Identities).FirstAsync(c => c.ClientId == clientId && c.Name == "Marek Zieliński"));
        Assert.Equal(["381245777", "@marek_z"], member.Identities.Select(i => i.Address).Order(StringComparer.Ordinal));
        Assert.Equal("in the chat “ACME × Liaison”", member.Role);
        Assert.Equal(0, await app.WithDb(d => d.UnknownSenders.CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AContactKnownByTheirUsername_IsTheSenderOfTheirNumericIdsMessages_AndKeepsBothAsOneIdentity(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", "@Anna_Kow");

        await bot.PostAsync(Text(9401, Anna, Chat.With(Anna), 61, "Piszę z Telegrama", Sent));

        var items = await TimelineAsync(app, clientId, 1);
        Assert.Equal("Piszę z Telegrama", items[0]!["text"]!.GetValue<string>());
        var addresses = await app.WithDb(d => d.ContactIdentities.Where(i => i.Kind == ChannelKind.Telegram).Select(i => i.Address).ToListAsync());
        Assert.Equal(["381245001", "@anna_kow"], addresses.Order(StringComparer.Ordinal));
        Assert.Equal(0, await app.WithDb(d => d.UnknownSenders.CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AnUpdateLiaisonDoesNotRead_IsShownAsUnsupported_AndOneAboutNoChatWaitsUndeliveredWithItsPayload(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));

        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync(Reaction(9501, Anna, Chat.With(Anna), 61, "❤", Sent))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync(Poll(9502))).StatusCode);

        var items = await TimelineAsync(app, clientId, 1);
        Assert.Equal("[unsupported Telegram update: message_reaction]", items[0]!["text"]!.GetValue<string>());
        var undelivered = await Eventually.Until(async () => (await (await app.Api().GetAsync("/api/inbound/undelivered")).Json(HttpStatusCode.OK)).AsArray(), a => a.Count == 1, "the poll set aside");
        Assert.Contains("'poll'", undelivered[0]!["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("\"question\":\"Termin?\"", undelivered[0]!["payload"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDb(d => d.InboundDeliveries.CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AReply_GoesToTheChatItAnswers_WithReplyParameters_AndRecordsTelegramsMessageId(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api);
        var bot = await TelegramBot.ConnectAsync(app, api);
        var group = new Chat(-1001987654321, "ACME × Liaison");
        var clientId = await TelegramBot.ClientWithContactAsync(app, "ACME", "Anna", Id(Anna.Id));
        await bot.PostAsync(Text(9601, Anna, group, 71, "Kiedy będzie wersja testowa?", Sent));
        var answered = (await TimelineAsync(app, clientId, 1))[0]!["id"]!.GetValue<long>();

        var queued = await (await app.Api().Post($"/api/clients/{clientId}/messages", new { text = "W piątek rano.", inReplyToMessageId = answered })).Json(HttpStatusCode.Accepted);

        var sent = await Eventually.Until(() => Task.FromResult(api.Sent.ToList()), s => s.Count == 1, "the reply sent");
        Assert.Equal(("sendMessage", Id(group.Id), "W piątek rano.", (long?)71), (sent[0].Method, sent[0].ChatId, sent[0].Text, sent[0].ReplyTo));
        var view = await Eventually.Until(async () => await (await app.Api().GetAsync($"/api/messages/{queued["messageId"]!.GetValue<long>()}/outbox")).Json(HttpStatusCode.OK),
            v => v["state"]!.GetValue<string>() == "sent", "the outbox entry sent");
        Assert.Equal($"{group.Id}:{sent[0].MessageId}", view["providerMessageId"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TooManyRequests_DefersTheSendUntilRetryAfter_AndABlockedBotIsRejectedInTelegramsWords(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        await using var app = await TelegramBot.StartAppAsync(db, api, AppClock.Stopped);
        await TelegramBot.ConnectAsync(app, api);
        var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));
        api.FailNextSend(429, "Too Many Requests: retry after 5", retryAfter: 5);
        var channelId = await app.WithDb(d => d.Channels.Where(c => c.Kind == ChannelKind.Telegram).Select(c => c.Id).FirstAsync());

        var first = await (await app.Api().Post($"/api/clients/{clientId}/messages", new { channelId, text = "Dzień dobry" })).Json(HttpStatusCode.Accepted);
        var deferred = await OutboxAsync(app, first["messageId"]!.GetValue<long>(), "deferred");
        Assert.Equal("Telegram: Too Many Requests: retry after 5", deferred["lastError"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(5), DateTimeOffset.Parse(deferred["nextAttemptAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, deferred["attempts"]!.GetValue<int>());

        app.Time.Advance(TimeSpan.FromSeconds(5));
        app.Services.GetRequiredService<OutboxSender>().Wake();
        await OutboxAsync(app, first["messageId"]!.GetValue<long>(), "sent");

        api.FailNextSend(403, "Forbidden: bot was blocked by the user");
        var second = await (await app.Api().Post($"/api/clients/{clientId}/messages", new { channelId, text = "Czy wszystko w porządku?" })).Json(HttpStatusCode.Accepted);
        var rejected = await OutboxAsync(app, second["messageId"]!.GetValue<long>(), "failed");
        Assert.Equal(("Telegram: Forbidden: bot was blocked by the user", "403"), (rejected["lastError"]!.GetValue<string>(), rejected["lastErrorCode"]!.GetValue<string>()));
        Assert.Null(rejected["nextAttemptAt"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task LongPolling_DeletesTheWebhook_MovesTheOffsetOnlyPastStoredUpdates_AndARestartResumesWithoutLossOrDuplicates(DatabaseProvider db)
    {
        await using var api = await FakeTelegramBotApi.StartAsync();
        var app = await TelegramBot.StartAppAsync(db, api);
        LiaisonApp? restarted = null;
        try
        {
            var bot = await TelegramBot.ConnectAsync(app, api, TelegramDescriptorMode.Polling);
            Assert.True(api.DeleteWebhookCalls >= 1);
            var clientId = await TelegramBot.ClientWithContactAsync(app, "Kowalski Sp.", "Anna", Id(Anna.Id));
            api.Queue(Text(9701, Anna, Chat.With(Anna), 81, "Pierwsza", Sent));
            api.Queue(Text(9702, Anna, Chat.With(Anna), 82, "Druga", Sent.AddMinutes(1)));

            await TimelineAsync(app, clientId, 2);
            await Eventually.Until(async () => await app.WithDb(d => d.ChannelCheckpoints.Where(c => c.ChannelId == bot.Id).Select(c => c.Value).FirstOrDefaultAsync()),
                v => v == "9703", "the offset past the stored updates");

            restarted = app.Successor();
            await app.DisposeAsync();
            api.Queue(Text(9703, Anna, Chat.With(Anna), 83, "Trzecia, gdy serwer stał", Sent.AddMinutes(2)));
            await restarted.StartAsync();

            var items = await TimelineAsync(restarted, clientId, 3);
            Assert.Equal(["Pierwsza", "Druga", "Trzecia, gdy serwer stał"], items.Select(i => i!["text"]!.GetValue<string>()).Reverse());
            Assert.Equal(3, await restarted.WithDb(d => d.Messages.CountAsync()));
            // Every call after the first asked past what was already stored.
            Assert.Contains(9703L, api.Offsets);
            Assert.DoesNotContain(api.Offsets.SkipWhile(o => o != 9703L), o => o is < 9703);
        }
        finally
        {
            await (restarted ?? app).DisposeAsync();
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> TimelineAsync(LiaisonApp app, long clientId, int count) =>
        await Eventually.Until(async () => (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray(),
            items => items.Count >= count, $"{count} items on the timeline");

    private static Task<System.Text.Json.Nodes.JsonNode> OutboxAsync(LiaisonApp app, long messageId, string state) =>
        Eventually.Until(async () => await (await app.Api().GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK),
            v => v["state"]!.GetValue<string>() == state, $"the outbox entry {state}");
}

internal static class TelegramDescriptorMode
{
    public const string Polling = Liaison.Channels.Telegram.TelegramDescriptor.Polling;
}
