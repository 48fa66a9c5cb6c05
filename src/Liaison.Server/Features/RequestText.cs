using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Liaison.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Features;

/// <summary>
/// One rule for every string an API request carries, instead of a check in each handler: no NUL
/// (PostgreSQL refuses it in text, so it would be a 500 there and silently stored on SQLite) and
/// no longer than its field allows. A request record states a field's limit with
/// <c>[property: MaxLength(n)]</c>; a field without one gets <see cref="DefaultMaxLength"/>. A
/// broken rule is a 400 naming the field in the request's JSON shape ("identities[0].address").
/// The whole request body is capped as well (<see cref="MaxBodyBytes"/>, 413), except where an
/// endpoint states its own limit (attachment uploads).
/// </summary>
public static class RequestText
{
    /// <summary>A name, a label, a search: plenty, and far below what could hurt.</summary>
    public const int DefaultMaxLength = 1000;

    /// <summary>The text of one message (256 K characters, a long book chapter).</summary>
    public const int MaxMessageTextLength = 256 * 1024;

    /// <summary>The HTML of one message recorded through the API.</summary>
    public const int MaxMessageHtmlLength = 1024 * 1024;

    /// <summary>An API request body: room for the largest message text and HTML, escaped.</summary>
    public const long MaxBodyBytes = 8L * 1024 * 1024;

    private const int MaxDepth = 8;

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name, int MaxLength)[]> Shapes = new();

    /// <summary>Applies the rules to every endpoint of <paramref name="api"/>.</summary>
    public static RouteGroupBuilder RefuseBadText(this RouteGroupBuilder api)
    {
        api.AddEndpointFilterFactory((context, next) =>
        {
            var checks = context.MethodInfo.GetParameters()
                .Select((p, i) => (Index: i, p.Name, p.ParameterType, MaxLength: p.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? DefaultMaxLength))
                .Where(p => IsChecked(p.ParameterType))
                .ToArray();
            if (checks.Length == 0) return next;
            return invocation =>
            {
                foreach (var (index, name, type, maxLength) in checks)
                {
                    var value = invocation.Arguments[index];
                    // A body record's fields are named from its root, as the client wrote them.
                    Check(value, type == typeof(string) ? name ?? "" : "", maxLength, 0);
                }
                return next(invocation);
            };
        });
        return api;
    }

    /// <summary>Caps the body of every request under /api that does not state its own limit.</summary>
    public static IApplicationBuilder CapApiBodies(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } stated ? stated.MaxRequestBodySize : MaxBodyBytes;
            if (limit is { } max)
            {
                if (http.Request.ContentLength > max)
                {
                    var problem = new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = $"A request to the API is at most {max / (1024 * 1024)} MB." };
                    problem.Extensions["rule"] = "request.too-large";
                    http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
                    return;
                }
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature && (feature.MaxRequestBodySize is null || feature.MaxRequestBodySize > max))
                    feature.MaxRequestBodySize = max;
                // Not every server enforces the feature (the test server does not): count here too.
                http.Request.Body = new CappedStream(http.Request.Body, max);
            }
        }
        await next(http);
    });

    /// <summary>Throws <see cref="DomainRuleException"/> naming <paramref name="field"/> for a NUL or a text over <paramref name="maxLength"/>.</summary>
    public static void Require(string? text, string field, int maxLength = DefaultMaxLength)
    {
        if (text is null) return;
        if (text.Contains('\0'))
            throw new DomainRuleException("text.nul", $"'{field}' contains a NUL character (U+0000), which text may not hold.", field);
        if (text.Length > maxLength)
            throw new DomainRuleException("text.too-long", $"'{field}' is at most {maxLength:N0} characters; it has {text.Length:N0}.", field);
    }

    // Strings and our request records; services our handlers also take (the DbContext) are not walked.
    private static bool IsChecked(Type type) => type == typeof(string) || IsRequestRecord(type);

    private static bool IsRequestRecord(Type type) =>
        type.IsClass && type.Assembly == typeof(RequestText).Assembly &&
        type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    private static void Check(object? value, string path, int maxLength, int depth)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                Require(s, path, maxLength);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? "";
                    Require(key, path, DefaultMaxLength / 4);
                    Check(entry.Value, $"{path}.{key}", maxLength, depth + 1);
                }
                return;
            case IEnumerable list:
                var i = 0;
                foreach (var item in list) Check(item, $"{path}[{i++}]", maxLength, depth + 1);
                return;
        }
        var type = value.GetType();
        if (depth >= MaxDepth || !IsRequestRecord(type)) return;
        foreach (var (property, name, max) in Shapes.GetOrAdd(type, Shape))
            Check(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", max, depth + 1);
    }

    private static (PropertyInfo, string, int)[] Shape(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead)
            .Select(p => (p, char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? DefaultMaxLength))
            .ToArray();

    /// <summary>Reads through to the request body and fails with 413 once more than the limit has come.</summary>
    private sealed class CappedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
                throw new BadHttpRequestException($"A request to the API is at most {limit / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
