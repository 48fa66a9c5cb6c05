using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Liaison.Testing;

/// <summary>
/// The part of Meta's Graph API that WhatsApp media need, on 127.0.0.1, answering as the Cloud API
/// documentation shows: <c>GET /{version}/{media-id}</c> with the bearer token gives
/// <c>{ messaging_product, url, mime_type, sha256, file_size, id }</c>, the URL gives the bytes to the
/// same token, and an unknown id is Graph's error 100 ("Unsupported get request. Object with ID … does
/// not exist"). A test can make the next answers fail with a server error.
/// Sending: <c>POST /{version}/{phone-number-id}/messages</c> records the message object and answers
/// <c>{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id: "wamid…" }] }</c>, or the
/// error a test scripted with <see cref="RefuseNextSend"/>, in Graph's error shape.
/// </summary>
public sealed class FakeGraphApi : IAsyncDisposable
{
    public const string Version = "v23.0";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string Mime)> media = new();
    private int failuresLeft;
    private int downloads;
    private readonly ConcurrentQueue<SentMessage> sent = new();
    private readonly ConcurrentQueue<Refusal> refusals = new();
    private readonly ConcurrentQueue<Template> templates = new();
    private readonly ConcurrentQueue<SentMessage> pageSent = new();
    private readonly ConcurrentQueue<Refusal> pageRefusals = new();
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string Mime)> cdn = new();
    private int templateLookups;

    /// <param name="Status">APPROVED, PENDING, REJECTED, PAUSED or DISABLED.</param>
    private sealed record Template(string Id, string Name, string Language, string Category, string Status, string Body, bool Named);

    /// <summary>A message the API was asked to send: from which phone number id, and the message object as posted.</summary>
    public sealed record SentMessage(string PhoneNumberId, JsonElement Body, string Wamid)
    {
        public string To => Body.GetProperty("to").GetString()!;
        public string Type => Body.GetProperty("type").GetString()!;
        public string? Text => Type == "text" ? Body.GetProperty("text").GetProperty("body").GetString() : null;
        public string? ContextMessageId => Body.TryGetProperty("context", out var context) ? context.GetProperty("message_id").GetString() : null;
        public string? TemplateName => Type == "template" ? Body.GetProperty("template").GetProperty("name").GetString() : null;
        public string? TemplateLanguage => Type == "template" ? Body.GetProperty("template").GetProperty("language").GetProperty("code").GetString() : null;

        /// <summary>The body parameters' texts of a template message, in order.</summary>
        public IReadOnlyList<string> TemplateValues => Type != "template" || !Body.GetProperty("template").TryGetProperty("components", out var components) ? []
            : components.EnumerateArray().Where(c => c.GetProperty("type").GetString() == "body")
                .SelectMany(c => c.GetProperty("parameters").EnumerateArray()).Select(p => p.GetProperty("text").GetString()!).ToList();
    }

    /// <param name="RetryAfterSeconds">sent as a Retry-After header when given.</param>
    private sealed record Refusal(int Status, int Code, string Message, string? Details, int? RetryAfterSeconds);

    private FakeGraphApi(WebApplication app, string token)
    {
        this.app = app;
        Token = token;
    }

    public string Token { get; }
    public Uri Base { get; private set; } = default!;
    /// <summary>How many downloads of bytes (the second step) were answered.</summary>
    public int Downloads => Volatile.Read(ref downloads);

    /// <summary>Messenger's Send API calls accepted (<c>POST /me/messages</c>), in order; <see cref="SentMessage.Wamid"/> is the message_id answered.</summary>
    public IReadOnlyList<SentMessage> PageSent => [.. pageSent];

    /// <summary>The next Send API call is answered with this Graph error (10 / 2018278: "This message is sent outside of allowed window.").</summary>
    public void RefuseNextPageSend(int status, int code, string message, int? subcode = null) =>
        pageRefusals.Enqueue(new Refusal(status, code, message, subcode?.ToString(CultureInfo.InvariantCulture), null));

    /// <summary>A file on "Meta's CDN", as a Messenger attachment's payload.url points to it; the URL answered 404 once <see cref="Expire"/>d.</summary>
    public Uri AddCdnFile(string name, byte[] bytes, string mime)
    {
        cdn[name] = (bytes, mime);
        return new Uri($"{Base.GetLeftPart(UriPartial.Authority)}/cdn/v/t59/{Uri.EscapeDataString(name)}?_nc_cat=1&oh=00_AfD&oe=67A1B2C3");
    }

    public void Expire(string name) => cdn.TryRemove(name, out _);

    /// <summary>Messages accepted for sending, in order (refused ones are not here).</summary>
    public IReadOnlyList<SentMessage> Sent => [.. sent];

    /// <summary>
    /// The next send is answered with Graph's error <paramref name="code"/> (e.g. 131056, "(Business
    /// Account, Consumer Account) pair rate limit hit", HTTP 400; 131026, "Message undeliverable").
    /// </summary>
    public void RefuseNextSend(int status, int code, string message, string? details = null, int? retryAfterSeconds = null) =>
        refusals.Enqueue(new Refusal(status, code, message, details, retryAfterSeconds));

    /// <summary>A message template of the business account, with the body text as Meta stores it ("Invoice {{1}} is due on {{2}}.").</summary>
    public void AddTemplate(string name, string language, string body, string status = "APPROVED", string category = "UTILITY", bool named = false) =>
        templates.Enqueue(new Template(Convert.ToString(1_000_000_000_000 + templates.Count, CultureInfo.InvariantCulture), name, language, category, status, body, named));

    /// <summary>How many pages of templates were asked for.</summary>
    public int TemplateLookups => Volatile.Read(ref templateLookups);

    public void Add(string mediaId, byte[] bytes, string mime) => media[mediaId] = (bytes, mime);

    /// <summary>The next <paramref name="count"/> media lookups answer 500, as Graph does when it is having a bad moment.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    public static async Task<FakeGraphApi> StartAsync(string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraphApi(app, token);
        app.MapGet($"/{Version}/{{mediaId}}", (string mediaId, HttpContext http) => fake.Lookup(mediaId, http));
        app.MapPost($"/{Version}/{{phoneNumberId}}/messages", (string phoneNumberId, HttpContext http) => fake.SendAsync(phoneNumberId, http));
        app.MapPost($"/{Version}/me/messages", (Func<HttpContext, Task<IResult>>)(http => fake.PageSendAsync(http)));
        app.MapGet("/cdn/v/t59/{name}", (string name) => fake.cdn.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.Mime) : Results.NotFound());
        app.MapGet($"/{Version}/{{wabaId}}/message_templates", (string wabaId, HttpContext http) => fake.Templates(http));
        app.MapGet("/whatsapp_business/attachments/", (string mid, HttpContext http) => fake.Download(mid, http));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Base = new Uri($"{address}/{Version}/");
        return fake;
    }

    private IResult Lookup(string mediaId, HttpContext http)
    {
        if (!Authorised(http)) return GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
        if (Interlocked.Decrement(ref failuresLeft) >= 0) return GraphError(500, 2, "An unexpected error has occurred. Please retry your request later.", "OAuthException");
        if (!media.TryGetValue(mediaId, out var found))
            return GraphError(400, 100, $"Unsupported get request. Object with ID '{mediaId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException");
        var origin = Base.GetLeftPart(UriPartial.Authority);
        return Results.Json(new Dictionary<string, string>
        {
            ["messaging_product"] = "whatsapp",
            ["url"] = $"{origin}/whatsapp_business/attachments/?mid={Uri.EscapeDataString(mediaId)}&ext={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}&hash=ATuH",
            ["mime_type"] = found.Mime,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(found.Bytes)),
            ["file_size"] = found.Bytes.Length.ToString(CultureInfo.InvariantCulture),
            ["id"] = mediaId,
        });
    }

    private async Task<IResult> SendAsync(string phoneNumberId, HttpContext http)
    {
        if (!Authorised(http)) return GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
        using var document = await JsonDocument.ParseAsync(http.Request.Body);
        var body = document.RootElement.Clone();
        if (refusals.TryDequeue(out var refusal))
        {
            if (refusal.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Results.Json(new
            {
                error = new
                {
                    message = refusal.Message, type = "OAuthException", code = refusal.Code,
                    error_data = new { messaging_product = "whatsapp", details = refusal.Details ?? refusal.Message },
                    fbtrace_id = "AbCdEfGh123",
                },
            }, (JsonSerializerOptions?)null, null, refusal.Status);
        }
        if (!body.TryGetProperty("messaging_product", out var product) || product.GetString() != "whatsapp" || !body.TryGetProperty("to", out var to))
            return GraphError(400, 100, "(#100) The parameter messaging_product is required.", "OAuthException");
        var wamid = "wamid.HBgL" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        sent.Enqueue(new SentMessage(phoneNumberId, body, wamid));
        var input = to.GetString()!;
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input, wa_id = input.TrimStart('+') } },
            messages = new[] { new { id = wamid } },
        });
    }

    /// <summary>
    /// The Message Templates API: <c>status</c> filters, <c>limit</c> pages (25 by default), <c>after</c>
    /// is the cursor; each page's <c>paging.next</c> is the full URL of the next one, absent on the last.
    /// </summary>
    private IResult Templates(HttpContext http)
    {
        if (!Authorised(http)) return GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
        Interlocked.Increment(ref templateLookups);
        var query = http.Request.Query;
        var status = query["status"].ToString();
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 100) : 25;
        var after = int.TryParse(query["after"], CultureInfo.InvariantCulture, out var a) ? a : 0;
        var matching = templates.Where(t => status.Length == 0 || t.Status == status).ToList();
        var page = matching.Skip(after).Take(limit).Select(t => new Dictionary<string, object>
        {
            ["name"] = t.Name,
            ["parameter_format"] = t.Named ? "NAMED" : "POSITIONAL",
            ["components"] = new object[]
            {
                new Dictionary<string, object> { ["type"] = "HEADER", ["format"] = "TEXT", ["text"] = "Liaison" },
                new Dictionary<string, object> { ["type"] = "BODY", ["text"] = t.Body },
                new Dictionary<string, object> { ["type"] = "FOOTER", ["text"] = "Reply STOP to opt out" },
            },
            ["language"] = t.Language,
            ["status"] = t.Status,
            ["category"] = t.Category,
            ["id"] = t.Id,
        }).ToList();
        var paging = new Dictionary<string, object> { ["cursors"] = new { before = after.ToString(CultureInfo.InvariantCulture), after = (after + page.Count).ToString(CultureInfo.InvariantCulture) } };
        if (after + page.Count < matching.Count)
        {
            var origin = Base.GetLeftPart(UriPartial.Authority);
            paging["next"] = $"{origin}{http.Request.Path}?status={Uri.EscapeDataString(status)}&limit={limit}&after={after + page.Count}";
        }
        return Results.Json(new Dictionary<string, object> { ["data"] = page, ["paging"] = paging });
    }

    /// <summary>
    /// The Messenger Send API: <c>{ recipient: { id }, messaging_type, tag?, message: { text } }</c>
    /// with the page token, answered <c>{ recipient_id, message_id }</c>.
    /// </summary>
    private async Task<IResult> PageSendAsync(HttpContext http)
    {
        if (!Authorised(http)) return GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
        using var document = await JsonDocument.ParseAsync(http.Request.Body);
        var body = document.RootElement.Clone();
        if (pageRefusals.TryDequeue(out var refusal))
        {
            var error = new Dictionary<string, object> { ["message"] = refusal.Message, ["type"] = "OAuthException", ["code"] = refusal.Code, ["fbtrace_id"] = "AbCdEfGh456" };
            if (refusal.Details is { } subcode) error["error_subcode"] = int.Parse(subcode, CultureInfo.InvariantCulture);
            return Results.Json(new { error }, (JsonSerializerOptions?)null, null, refusal.Status);
        }
        if (!body.TryGetProperty("recipient", out var recipient) || !body.TryGetProperty("messaging_type", out _))
            return GraphError(400, 100, "(#100) The parameter recipient is required", "OAuthException");
        var id = "m_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        pageSent.Enqueue(new SentMessage("me", body, id));
        return Results.Json(new { recipient_id = recipient.GetProperty("id").GetString(), message_id = id });
    }

    private IResult Download(string mid, HttpContext http)
    {
        if (!Authorised(http)) return Results.StatusCode(401);
        if (!media.TryGetValue(mid, out var found)) return Results.NotFound();
        Interlocked.Increment(ref downloads);
        return Results.Bytes(found.Bytes, found.Mime);
    }

    private bool Authorised(HttpContext http) => http.Request.Headers.Authorization.ToString() == $"Bearer {Token}";

    private static IResult GraphError(int status, int code, string message, string type) =>
        Results.Json(new { error = new { message, type, code, fbtrace_id = "AbCdEfGh123" } }, (JsonSerializerOptions?)null, null, status);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
