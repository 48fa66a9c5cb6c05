using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>Small conveniences for reading what the API answered; failures show the body.</summary>
public static class ApiCalls
{
    public static async Task<JsonNode> Json(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} {expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    public static Task<HttpResponseMessage> Post(this HttpClient http, string url, object body) => http.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> Put(this HttpClient http, string url, object body) => http.PutAsJsonAsync(url, body);

    public static long Id(this JsonNode node) => node["id"]!.GetValue<long>();

    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
