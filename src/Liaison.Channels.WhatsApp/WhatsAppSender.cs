using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using NodaTime;

namespace Liaison.Channels.WhatsApp;

/// <summary>
/// The outbox's sender for WhatsApp numbers: <c>POST /{phone-number-id}/messages</c> on the Graph
/// API with the channel's access token. WhatsApp names the message when it takes it (the wamid in
/// the answer), and that id is what its statuses later name, so <see cref="SendOutcome.Sent"/>
/// carries it onto our message.
/// </summary>
/// <remarks>
/// Meta's errors come as <c>{"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}</c>.
/// Throughput and pair rate limits (and an HTTP 429) ask us to wait: deferred. Meta's own trouble
/// (HTTP 5xx, codes 1, 2, 131000, 131016, 133004) is worth another try: thrown, so the outbox backs
/// off. Anything else (a recipient not on WhatsApp, the 24-hour window, a bad token) would be
/// refused again unchanged: rejected with Meta's code and words.
/// </remarks>
public sealed class WhatsAppSender(WhatsAppOptions options, IClock clock) : IChannelSender, IDisposable
{
    public const string PhoneNumberId = "phoneNumberId";

    /// <summary>Graph codes that mean "too much, too fast": app or account call limits, message throughput, the pair rate to one customer, the spam rate limit.</summary>
    private static readonly HashSet<int> RateLimits = [4, 80007, 130429, 131048, 131056];
    /// <summary>Graph codes that mean Meta had a bad moment: unknown, service, "something went wrong", service unavailable, server temporarily unavailable.</summary>
    private static readonly HashSet<int> Transient = [1, 2, 131000, 131016, 133004];
    /// <summary>How long to wait after a rate limit that names no time. The pair rate is about one message in six seconds; throughput recovers within a minute.</summary>
    private static readonly Duration DefaultWait = Duration.FromSeconds(30);
    private const int MaxTextLength = 4096;

    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public ChannelKind Kind => ChannelKind.WhatsApp;

    public OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings[PhoneNumberId] is not { Length: > 0 })
            throw new DomainRuleException("channel.setting.missing", "The WhatsApp channel has no phone number id to send from; add it in the channel's settings.", PhoneNumberId);
        if (settings[WhatsAppMediaFetcher.AccessToken] is not { Length: > 0 })
            throw new DomainRuleException("channel.setting.missing", "The WhatsApp channel has no access token to send with; add it in the channel's settings.", WhatsAppMediaFetcher.AccessToken);
        if (draft.Content.Template is null && draft.Content.Text.Length > MaxTextLength)
            throw new DomainRuleException("whatsapp.text.length", $"A WhatsApp message is at most {MaxTextLength} characters; this one has {draft.Content.Text.Length}.", "text");
        if (draft.Content.Attachments.Count > 0)
            throw new DomainRuleException("whatsapp.attachments.unsupported", "Liaison cannot send files on WhatsApp yet.", "attachments");
        return draft;
    }

    public async Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(settings);
        Prepare(draft, settings);
        var from = settings.Required(PhoneNumberId);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.GraphApiBase, $"{Uri.EscapeDataString(from)}/messages"))
        {
            Content = new StringContent(Body(draft).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Required(WhatsAppMediaFetcher.AccessToken));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode)
            return new SendOutcome.Sent(SentId(text) ?? throw new HttpRequestException($"WhatsApp took the message but named no id for it: {Shorten(text)}"));
        return Refusal(response, text);
    }

    /// <summary>The Cloud API's message object: text, or an approved template; a reply names what it answers in <c>context</c>.</summary>
    internal static JsonObject Body(OutboundDraft draft)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = draft.To,
        };
        if (draft.Content.ReplyToProviderMessageId is { Length: > 0 } answered)
            body["context"] = new JsonObject { ["message_id"] = answered };
        if (draft.Content.Template is { } template)
        {
            var parameters = new JsonArray();
            for (var i = 0; i < template.Parameters.Count; i++)
            {
                var parameter = new JsonObject { ["type"] = "text", ["text"] = template.Parameters[i] };
                if (template.ParameterNames is { } names && i < names.Count) parameter["parameter_name"] = names[i];
                parameters.Add(parameter);
            }
            var sent = new JsonObject { ["name"] = template.Name, ["language"] = new JsonObject { ["code"] = template.Language } };
            if (parameters.Count > 0) sent["components"] = new JsonArray(new JsonObject { ["type"] = "body", ["parameters"] = parameters });
            body["type"] = "template";
            body["template"] = sent;
        }
        else
        {
            body["type"] = "text";
            body["text"] = new JsonObject { ["preview_url"] = false, ["body"] = draft.Content.Text };
        }
        return body;
    }

    private static string? SentId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
                && messages[0].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private SendOutcome Refusal(HttpResponseMessage response, string text)
    {
        var error = GraphError.Read(text);
        var words = error.Words((int)response.StatusCode);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || error.Code is { } limit && RateLimits.Contains(limit))
            return new SendOutcome.Deferred(clock.GetCurrentInstant() + RetryAfter(response), words);
        if ((int)response.StatusCode >= 500 || error.Code is { } code && Transient.Contains(code))
            throw new HttpRequestException(words, null, response.StatusCode);
        return new SendOutcome.Rejected(error.Code?.ToString(CultureInfo.InvariantCulture), words);
    }

    private static Duration RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta && delta > TimeSpan.Zero) return Duration.FromTimeSpan(delta < TimeSpan.FromHours(24) ? delta : TimeSpan.FromHours(24));
        return DefaultWait;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    public void Dispose() => http.Dispose();
}

/// <summary>A Graph API error body as Meta documents it; what cannot be read leaves its fields null.</summary>
internal sealed record GraphError(int? Code, string? Message, string? Details)
{
    public static GraphError Read(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return new GraphError(null, null, null);
            int? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n
                : c.ValueKind == JsonValueKind.String && int.TryParse(c.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var details = error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new GraphError(code, message, details);
        }
        catch (JsonException)
        {
            return new GraphError(null, null, null);
        }
    }

    /// <summary>"WhatsApp answered HTTP 400 (code 131026): (#131026) Message undeliverable. — details"</summary>
    public string Words(int status)
    {
        var words = new StringBuilder().Append(CultureInfo.InvariantCulture, $"WhatsApp answered HTTP {status}");
        if (Code is { } code) words.Append(CultureInfo.InvariantCulture, $" (code {code})");
        words.Append(": ").Append(Message ?? "no details");
        if (Details is { Length: > 0 } details && Message?.Contains(details, StringComparison.Ordinal) != true) words.Append(" — ").Append(details);
        return words.ToString();
    }
}
