using System.Net;
using System.Text;
using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Liaison.Channels.Telegram;

/// <summary>Where the Bot API is (<c>Liaison:Telegram:BotApiBase</c>): Telegram's own, a self-hosted Bot API server, or a test's fake.</summary>
public sealed class TelegramOptions
{
    public Uri BotApiBase { get; set; } = new("https://api.telegram.org/");

    /// <summary>How long one getUpdates call waits for updates on Telegram's side (long polling).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(25);
}

/// <summary>
/// Makes Bot API clients (Telegram.Bot) for a bot token, sharing one HTTP connection pool. The
/// library's own retry of "429 Too Many Requests" is off: a rate limit is the outbox's to defer by
/// (it knows the other messages waiting), not a wait inside a send.
/// </summary>
public sealed class TelegramBots(TelegramOptions options) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        // Above a long poll's wait, so a getUpdates call is never cut short by the client.
        Timeout = TimeSpan.FromMinutes(5),
    };

    public TelegramOptions Options => options;

    public TelegramBotClient For(string token) =>
        new(new TelegramBotClientOptions(token, options.BotApiBase.GetLeftPart(UriPartial.Authority)) { RetryCount = 0, RetryThreshold = 0 }, http);

    /// <summary>
    /// getUpdates, answered as raw JSON: each update is stored byte for byte as a webhook would have
    /// posted it, with the fields this version of the library doesn't know (Telegram adds update types).
    /// </summary>
    /// <returns>each update's id and its JSON text.</returns>
    public async Task<IReadOnlyList<(long UpdateId, string Json)>> GetUpdatesAsync(string token, long? offset, TimeSpan timeout, CancellationToken ct)
    {
        // "./": a relative path starting "bot123:…" would read as a URI scheme.
        var url = new Uri(options.BotApiBase, $"./bot{token}/getUpdates");
        var ask = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["offset"] = offset,
            ["timeout"] = (int)timeout.TotalSeconds,
            ["limit"] = 100,
        });
        using var content = new StringContent(ask, Encoding.UTF8, "application/json");
        using var answer = await http.PostAsync(url, content, ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        JsonDocument document;
        try { document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException)
        {
            throw new RequestException($"The Bot API answered getUpdates with HTTP {(int)answer.StatusCode} and no JSON.", answer.StatusCode);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
                throw Refusal(root, answer.StatusCode);
            if (!root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
                throw new RequestException("The Bot API answered getUpdates without a list of updates.", answer.StatusCode);
            var updates = new List<(long, string)>(result.GetArrayLength());
            foreach (var update in result.EnumerateArray())
            {
                if (update.ValueKind != JsonValueKind.Object || !update.TryGetProperty("update_id", out var id) || !id.TryGetInt64(out var updateId))
                    throw new RequestException("The Bot API answered getUpdates with an update without an update_id.", answer.StatusCode);
                updates.Add((updateId, update.GetRawText()));
            }
            return updates;
        }
    }

    /// <summary>The Bot API's error in its own words, as Telegram.Bot would raise it.</summary>
    private static ApiRequestException Refusal(JsonElement root, HttpStatusCode status)
    {
        var code = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var n) ? n : (int)status;
        var description = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : $"HTTP {(int)status}";
        int? retryAfter = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("retry_after", out var r) && r.TryGetInt32(out var seconds) ? seconds : null;
        return new ApiRequestException(description, code, retryAfter is null ? null : new global::Telegram.Bot.Types.ResponseParameters { RetryAfter = retryAfter });
    }

    public void Dispose() => http.Dispose();
}
