using System.Threading.RateLimiting;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// POST /hooks/{channelId}: verify with the channel's adapter, store the raw delivery durably,
/// answer 200 only after the commit. GET answers the provider's subscription handshake.
/// </summary>
public static class WebhooksEndpoint
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/{channelId:long}", Receive).WithTags("Webhooks").AllowAnonymous().DisableAntiforgery();
        app.MapGet("/hooks/{channelId:long}", Handshake).WithTags("Webhooks").AllowAnonymous();
        app.MapPost("/diagnostics/bare-webhook", (IOptions<LiaisonOptions> options) =>
            options.Value.Inbound.BareEndpoint ? Results.Ok() : Results.NotFound()).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static async Task<IResult> Receive(long channelId, HttpContext http, ChannelDirectory directory, DeliveryWriter writer,
        IOptions<LiaisonOptions> options, IClock clock, RefusalLog refusals, CancellationToken ct)
    {
        var channel = await directory.FindAsync(channelId, ct);
        if (!channel.Exists) return Results.Problem(statusCode: 404, title: $"There is no connected channel {channelId}.");

        var limit = options.Value.Inbound.MaxBodyBytes;
        var body = await ReadBodyAsync(http.Request, limit, ct);
        if (body is null) return Results.Problem(statusCode: 413, title: $"A delivery is at most {limit:N0} bytes.");

        var request = new WebhookRequest("POST", Headers(http.Request), Query(http.Request), body);
        if (!channel.Adapter!.IsAuthentic(request, channel.Settings))
        {
            refusals.Record(channelId, http.Connection.RemoteIpAddress);
            return Results.Problem(statusCode: 401, title: "The delivery's signature or secret does not match this channel.");
        }

        DeliveryKey key;
        try { key = channel.Adapter.Identify(body); }
        catch (MalformedDeliveryException e) { return Results.Problem(statusCode: 400, title: "The delivery is not well-formed; nothing was stored.", detail: e.Message); }

        try
        {
            await writer.StoreAsync(channelId, key.Value, body, clock.GetCurrentInstant(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not stored: say so, and the provider delivers again later.
            return Results.Problem(statusCode: 503, title: "The delivery could not be stored right now; please retry.");
        }
        return Results.Ok();
    }

    private static async Task<IResult> Handshake(long channelId, HttpContext http, ChannelDirectory directory, CancellationToken ct)
    {
        var channel = await directory.FindAsync(channelId, ct);
        if (!channel.Exists) return Results.NotFound();
        var answer = channel.Adapter!.AnswerHandshake(new WebhookRequest("GET", Headers(http.Request), Query(http.Request), ReadOnlyMemory<byte>.Empty), channel.Settings);
        return answer is null ? Results.NotFound() : Results.Content(answer.Body, answer.ContentType, statusCode: answer.Status);
    }

    /// <summary>Reads the whole body, or returns null as soon as it is known to exceed <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > limit) return null;
            var exact = new byte[declared];
            var read = 0;
            while (read < exact.Length)
            {
                var n = await request.Body.ReadAsync(exact.AsMemory(read), ct);
                if (n == 0) break;
                read += n;
            }
            return read == exact.Length ? exact : exact[..read];
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int got;
        while ((got = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + got > limit) return null;
            buffer.Write(chunk, 0, got);
        }
        return buffer.ToArray();
    }

    // Views, not copies: an adapter reads one or two values, and this runs on every delivery.
    private static ValuesView Headers(HttpRequest request) => new ValuesView(request.Headers);

    private static ValuesView Query(HttpRequest request) => new ValuesView(request.Query);

    private sealed class ValuesView(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source) : IReadOnlyDictionary<string, string>
    {
        private readonly Func<string, Microsoft.Extensions.Primitives.StringValues> lookup = source switch
        {
            IHeaderDictionary headers => name => headers[name],
            IQueryCollection query => name => query[name],
            _ => throw new ArgumentException("Headers or query only.", nameof(source)),
        };

        public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
        public IEnumerable<string> Keys => source.Select(p => p.Key);
        public IEnumerable<string> Values => source.Select(p => p.Value.ToString());
        public int Count => source.Count();
        public bool ContainsKey(string key) => lookup(key).Count > 0;

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
        {
            var values = lookup(key);
            value = values.Count > 0 ? values.ToString() : null;
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            source.Select(p => KeyValuePair.Create(p.Key, p.Value.ToString())).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Logs refused deliveries without their payload (unauthenticated input) and at most a few a
/// minute: a flood of forged requests must not become a flood of log lines filling the disk.
/// </summary>
public sealed class RefusalLog(ILogger<RefusalLog> log) : IDisposable
{
    private readonly TokenBucketRateLimiter limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 10, TokensPerPeriod = 10, ReplenishmentPeriod = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
    });
    private long unlogged;

    public void Record(long channelId, System.Net.IPAddress? from)
    {
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            Interlocked.Increment(ref unlogged);
            return;
        }
        log.LogWarning("Refused a delivery for channel {ChannelId} from {Remote}: bad signature or secret ({Skipped} more refusals not logged)",
            channelId, from, Interlocked.Exchange(ref unlogged, 0));
    }

    public void Dispose() => limiter.Dispose();
}
