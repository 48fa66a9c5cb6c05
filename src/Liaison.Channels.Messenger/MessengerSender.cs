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

namespace Liaison.Channels.Messenger;

/// <summary>
/// The outbox's sender for Messenger: the Send API, <c>POST /me/messages</c> with the page access
/// token. Inside the 24-hour window a message goes as <c>messaging_type: RESPONSE</c>; a person's
/// reply later than that goes tagged <c>HUMAN_AGENT</c> where the window the outbox checked says so
/// (<see cref="OutboundDraft.Window"/>). The <c>message_id</c> answered is what the echo and the
/// deliveries name.
/// </summary>
/// <remarks>
/// Graph's errors: rate limits (4, 32, 613, 80006) defer; Meta's trouble (HTTP 5xx, 1, 2, 1200
/// "temporary send message failure") is retried; anything else (10/2018278 outside the window, 551
/// the person is unavailable, 100 no matching user) is refused with Meta's code and words.
/// </remarks>
public sealed class MessengerSender(MessengerOptions options, IClock clock) : IChannelSender, IDisposable
{
    public const string PageAccessToken = "pageAccessToken";
    private static readonly HashSet<int> RateLimits = [4, 32, 613, 80006];
    private static readonly HashSet<int> Transient = [1, 2, 1200];
    private static readonly Duration DefaultWait = Duration.FromSeconds(60);
    private const int MaxTextLength = 2000;

    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };

    public ChannelKind Kind => ChannelKind.Messenger;

    public OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings[PageAccessToken] is not { Length: > 0 })
            throw new DomainRuleException("channel.setting.missing", "The Messenger channel has no page access token to send with; add it in the channel's settings.", PageAccessToken);
        if (draft.Content.Template is not null)
            throw new DomainRuleException("messenger.template.unsupported", "Messenger has no approved templates; write the text itself.", "template");
        if (draft.Content.Attachments.Count > 0)
            throw new DomainRuleException("messenger.attachments.unsupported", "Liaison cannot send files on Messenger yet.", "attachments");
        if (draft.Content.Text.Length > MaxTextLength)
            throw new DomainRuleException("messenger.text.length", $"A Messenger message is at most {MaxTextLength} characters; this one has {draft.Content.Text.Length}.", "text");
        return draft;
    }

    public async Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(settings);
        Prepare(draft, settings);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.GraphApiBase, "me/messages"))
        {
            Content = new StringContent(Body(draft).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Required(PageAccessToken));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode)
            return new SendOutcome.Sent(MessageId(text) ?? throw new HttpRequestException($"Messenger took the message but named no message_id: {(text.Length > 300 ? text[..300] : text)}"));
        var (code, subcode, message) = Error(text);
        var words = $"Messenger answered HTTP {(int)response.StatusCode}{(code is null ? "" : $" (code {code}{(subcode is null ? "" : $", subcode {subcode}")})")}: {message ?? "no details"}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests || code is { } limit && RateLimits.Contains(limit))
            return new SendOutcome.Deferred(clock.GetCurrentInstant() + (response.Headers.RetryAfter?.Delta is { } d && d > TimeSpan.Zero ? Duration.FromTimeSpan(d) : DefaultWait), words);
        if ((int)response.StatusCode >= 500 || code is { } c && Transient.Contains(c)) throw new HttpRequestException(words, null, response.StatusCode);
        return new SendOutcome.Rejected(code?.ToString(CultureInfo.InvariantCulture), words);
    }

    internal static JsonObject Body(OutboundDraft draft)
    {
        var body = new JsonObject { ["recipient"] = new JsonObject { ["id"] = draft.To } };
        if (draft.Window is ReplyWindow.Open { Tag: { } tag })
        {
            body["messaging_type"] = "MESSAGE_TAG";
            body["tag"] = tag;
        }
        else
        {
            body["messaging_type"] = "RESPONSE";
        }
        body["message"] = new JsonObject { ["text"] = draft.Content.Text };
        return body;
    }

    private static string? MessageId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    private static (int? Code, int? Subcode, string? Message) Error(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return (null, null, null);
            int? Number(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
            return (Number("code"), Number("error_subcode"), error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null);
        }
        catch (JsonException) { return (null, null, null); }
    }

    public void Dispose() => http.Dispose();
}
