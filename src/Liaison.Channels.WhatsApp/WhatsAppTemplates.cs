using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;

namespace Liaison.Channels.WhatsApp;

/// <summary>
/// The approved message templates of the WhatsApp Business Account: <c>GET /{waba-id}/message_templates</c>
/// with <c>status=APPROVED</c>, page by page (<c>paging.next</c>), as Meta's template management
/// documentation shows. Only the body's text and placeholders are kept: that is what the composer
/// fills in and what a send names.
/// </summary>
/// <remarks>Settings: <c>businessAccountId</c> (the WABA id), <c>accessToken</c>.</remarks>
public sealed partial class WhatsAppTemplates(WhatsAppOptions options) : ITemplateSource, IDisposable
{
    public const string BusinessAccountId = "businessAccountId";
    // Meta allows 250 templates per account (6,000 for verified businesses); 100 a page, 60 pages covers them and bounds a runaway paging loop.
    private const int MaxPages = 60;
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };

    public ChannelKind Kind => ChannelKind.WhatsApp;

    public async Task<IReadOnlyList<ProviderTemplate>> FetchApprovedAsync(ChannelSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var account = settings.Required(BusinessAccountId);
        var token = settings.Required(WhatsAppMediaFetcher.AccessToken);
        var templates = new List<ProviderTemplate>();
        Uri? page = new(options.GraphApiBase, $"{Uri.EscapeDataString(account)}/message_templates?status=APPROVED&fields=name,language,status,category,components,parameter_format&limit=100");
        for (var pages = 0; page is not null && pages < MaxPages; pages++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, page);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException(GraphError.Read(text).Words((int)response.StatusCode), null, response.StatusCode);
            page = Read(text, templates);
        }
        return templates;
    }

    /// <summary>Adds the approved templates of one page; the next page's address when it is on the same Graph API (the token goes nowhere else).</summary>
    private Uri? Read(string text, List<ProviderTemplate> into)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                foreach (var template in data.EnumerateArray())
                    if (Template(template) is { } read) into.Add(read);
            if (root.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object && paging.TryGetProperty("next", out var next)
                && next.ValueKind == JsonValueKind.String && Uri.TryCreate(next.GetString(), UriKind.Absolute, out var nextUri)
                && Uri.Compare(nextUri, options.GraphApiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                return nextUri;
            return null;
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"The Graph API answered something that is not JSON for the templates: {e.Message}", e);
        }
    }

    private static ProviderTemplate? Template(JsonElement template)
    {
        if (template.ValueKind != JsonValueKind.Object) return null;
        var status = Text(template, "status");
        // Asked for approved ones only; a status that says otherwise is not sendable.
        if (status is not null && !string.Equals(status, "APPROVED", StringComparison.OrdinalIgnoreCase)) return null;
        if (Text(template, "name") is not { Length: > 0 } name || Text(template, "language") is not { Length: > 0 } language) return null;
        var body = "";
        if (template.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
            foreach (var component in components.EnumerateArray())
                if (component.ValueKind == JsonValueKind.Object && string.Equals(Text(component, "type"), "BODY", StringComparison.OrdinalIgnoreCase))
                    body = Text(component, "text") ?? "";
        var parameters = Placeholder().Matches(body).Select(m => m.Groups[1].Value.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var named = string.Equals(Text(template, "parameter_format"), "NAMED", StringComparison.OrdinalIgnoreCase);
        return new ProviderTemplate(name, language, Text(template, "category") ?? "", body, parameters, named);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}")]
    private static partial Regex Placeholder();

    public void Dispose() => http.Dispose();
}
