using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Liaison.Testing;

/// <summary>
/// The part of the Telegram Bot API a bot channel uses, on 127.0.0.1, answering as the Bot API
/// documentation shows: every method at <c>/bot&lt;token&gt;/&lt;method&gt;</c> answers
/// <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":…,"description":…}</c> (with
/// <c>parameters.retry_after</c> on 429); files download from <c>/file/bot&lt;token&gt;/&lt;file_path&gt;</c>.
/// getUpdates long-polls: it waits up to its timeout for an update at or after its offset. A test
/// queues updates, files, and the failures the next sends meet.
/// </summary>
public sealed class FakeTelegramBotApi : IAsyncDisposable
{
    public const long BotId = 7000000001;
    private readonly WebApplication app;
    private readonly List<(long Id, string Json)> updates = [];
    private readonly Lock gate = new();
    private readonly SemaphoreSlim arrived = new(0);
    private int deleteWebhookCalls;
    private readonly ConcurrentDictionary<string, (string Path, byte[] Bytes)> files = new();
    private readonly ConcurrentQueue<(int Code, string Description, int? RetryAfter)> sendFailures = new();
    private long nextMessageId = 500;

    private FakeTelegramBotApi(WebApplication app, string token)
    {
        this.app = app;
        Token = token;
    }

    public string Token { get; }
    public Uri Base { get; private set; } = default!;
    public string? WebhookUrl { get; private set; }
    public string? WebhookSecret { get; private set; }
    public int DeleteWebhookCalls => Volatile.Read(ref deleteWebhookCalls);
    /// <summary>Every getUpdates call's offset, in order (null: none given).</summary>
    public ConcurrentQueue<long?> Offsets { get; } = new();
    /// <summary>What the bot sent: method, chat_id, text or caption, reply_parameters.message_id, file name.</summary>
    public ConcurrentQueue<SentByBot> Sent { get; } = new();

    public sealed record SentByBot(string Method, string ChatId, string? Text, long? ReplyTo, string? FileName, long MessageId);

    public static async Task<FakeTelegramBotApi> StartAsync(string token = "7000000001:AAF-fake-token_for-tests")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTelegramBotApi(app, token);
        app.MapMethods("/bot{token}/{method}", ["GET", "POST"], (string token, string method, HttpContext http) => fake.AnswerAsync(token, method, http));
        app.MapGet("/file/bot{token}/{**path}", (string token, string path) => fake.Download(token, path));
        await app.StartAsync();
        fake.Base = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    /// <summary>Queues an update for getUpdates (a test posting to a webhook sends the same JSON itself).</summary>
    public void Queue(string updateJson)
    {
        var id = JsonNode.Parse(updateJson)!["update_id"]!.GetValue<long>();
        lock (gate) updates.Add((id, updateJson));
        arrived.Release();
    }

    public void AddFile(string fileId, string filePath, byte[] bytes) => files[fileId] = (filePath, bytes);

    /// <summary>The next send meets this error (429 with retry_after, 403 "Forbidden: bot was blocked by the user", 500).</summary>
    public void FailNextSend(int code, string description, int? retryAfter = null) => sendFailures.Enqueue((code, description, retryAfter));

    private async Task<IResult> AnswerAsync(string token, string method, HttpContext http)
    {
        if (token != Token) return Error(401, "Unauthorized");
        var args = await ArgumentsAsync(http.Request);
        switch (method)
        {
            case "getMe":
                return Ok(new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Liaison test bot", ["username"] = "liaison_test_bot",
                    ["can_join_groups"] = true, ["can_read_all_group_messages"] = false, ["supports_inline_queries"] = false });
            case "setWebhook":
                var url = args.GetValueOrDefault("url");
                if (url is null || !url.StartsWith("https://", StringComparison.Ordinal)) return Error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
                WebhookUrl = url;
                WebhookSecret = args.GetValueOrDefault("secret_token");
                return Ok(true, "Webhook was set");
            case "deleteWebhook":
                Interlocked.Increment(ref deleteWebhookCalls);
                var had = WebhookUrl is not null;
                WebhookUrl = null;
                return Ok(true, had ? "Webhook was deleted" : "Webhook is already deleted");
            case "getUpdates":
                if (WebhookUrl is not null) return Error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
                long? offset = long.TryParse(args.GetValueOrDefault("offset"), out var o) ? o : null;
                Offsets.Enqueue(offset);
                var timeout = Math.Min(int.TryParse(args.GetValueOrDefault("timeout"), out var t) ? t : 0, 50);
                var until = DateTime.UtcNow.AddSeconds(timeout);
                while (true)
                {
                    List<string> due;
                    lock (gate)
                    {
                        // An offset confirms every update before it: Telegram forgets those.
                        if (offset is { } confirmed) updates.RemoveAll(u => u.Id < confirmed);
                        due = updates.OrderBy(u => u.Id).Take(100).Select(u => u.Json).ToList();
                    }
                    var left = until - DateTime.UtcNow;
                    if (due.Count > 0 || left <= TimeSpan.Zero)
                        return Results.Text($$"""{"ok":true,"result":[{{string.Join(",", due)}}]}""", "application/json");
                    try { await arrived.WaitAsync(left, http.RequestAborted); }
                    catch (OperationCanceledException) { return Results.Empty; }
                }
            case "getFile":
                var fileId = args.GetValueOrDefault("file_id") ?? "";
                if (!files.TryGetValue(fileId, out var file)) return Error(400, "Bad Request: invalid file_id");
                return Ok(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "AgAD" + fileId.GetHashCode(StringComparison.Ordinal).ToString("x8"), ["file_size"] = file.Bytes.Length, ["file_path"] = file.Path });
            case "sendMessage" or "sendPhoto" or "sendDocument":
                if (sendFailures.TryDequeue(out var failure)) return Error(failure.Code, failure.Description, failure.RetryAfter);
                var chatId = args.GetValueOrDefault("chat_id") ?? "";
                if (chatId.Length == 0) return Error(400, "Bad Request: chat_id is empty");
                long? replyTo = args.GetValueOrDefault("reply_parameters") is { } rp && JsonNode.Parse(rp)?["message_id"] is { } id ? id.GetValue<long>() : null;
                var fileName = http.Request.HasFormContentType ? (http.Request.Form.Files.Count > 0 ? http.Request.Form.Files[0].FileName : null) : null;
                var messageId = Interlocked.Increment(ref nextMessageId);
                var text = method == "sendMessage" ? args.GetValueOrDefault("text") : args.GetValueOrDefault("caption");
                Sent.Enqueue(new SentByBot(method, chatId, text, replyTo, fileName, messageId));
                var message = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Liaison test bot", ["username"] = "liaison_test_bot" },
                    ["chat"] = long.Parse(chatId, System.Globalization.CultureInfo.InvariantCulture) < 0
                        ? new JsonObject { ["id"] = long.Parse(chatId, System.Globalization.CultureInfo.InvariantCulture), ["title"] = "Work chat", ["type"] = "supergroup" }
                        : new JsonObject { ["id"] = long.Parse(chatId, System.Globalization.CultureInfo.InvariantCulture), ["first_name"] = "Client", ["type"] = "private" },
                    ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                };
                if (method == "sendMessage") message["text"] = text;
                else
                {
                    if (text is not null) message["caption"] = text;
                    message[method == "sendPhoto" ? "photo" : "document"] = method == "sendPhoto"
                        ? new JsonArray(new JsonObject { ["file_id"] = $"AgACAgI{messageId}", ["file_unique_id"] = $"AQAD{messageId}", ["width"] = 90, ["height"] = 90 })
                        : new JsonObject { ["file_name"] = fileName, ["file_id"] = $"BQACAgI{messageId}", ["file_unique_id"] = $"AgAD{messageId}" };
                }
                return Ok(message);
            default:
                return Error(404, "Not Found: method not found");
        }
    }

    private IResult Download(string token, string path)
    {
        if (token != Token) return Error(401, "Unauthorized");
        var found = files.Values.FirstOrDefault(f => f.Path == path);
        return found.Bytes is null ? Error(404, "Not Found") : Results.Bytes(found.Bytes, "application/octet-stream");
    }

    /// <summary>A method's parameters, as JSON, a form or a query string: scalars as their text, objects as their JSON.</summary>
    private static async Task<Dictionary<string, string>> ArgumentsAsync(HttpRequest request)
    {
        var args = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (request.HasFormContentType)
        {
            foreach (var field in (await request.ReadFormAsync()).Where(f => f.Value.Count > 0)) args[field.Key] = field.Value.ToString();
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true && await JsonNode.ParseAsync(request.Body) is JsonObject json)
        {
            foreach (var (key, value) in json)
                if (value is not null) args[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        }
        return args;
    }

    private static IResult Ok(JsonNode result, string? description = null)
    {
        var body = new JsonObject { ["ok"] = true, ["result"] = result };
        if (description is not null) body["description"] = description;
        return Results.Text(body.ToJsonString(), "application/json");
    }

    private static IResult Ok(bool result, string description) => Ok(JsonValue.Create(result), description);

    private static IResult Error(int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds) body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: code);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        arrived.Dispose();
    }
}
