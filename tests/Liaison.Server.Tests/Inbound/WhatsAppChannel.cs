using System.Net;
using System.Text;
using Liaison.Testing;

namespace Liaison.Server.Tests.Inbound;

/// <summary>A WhatsApp channel connected through the API, and a way to post deliveries to it as Meta would.</summary>
public sealed class WhatsAppChannel(HttpClient http, long id, string appSecret)
{
    public long Id { get; } = id;
    public string AppSecret { get; } = appSecret;

    public static async Task<WhatsAppChannel> ConnectAsync(LiaisonApp app)
    {
        var secret = ApiCalls.Unique("secret-");
        var channel = await (await app.Api().Post("/api/channels", new
        {
            kind = "whatsapp", name = "Business number", settings = new Dictionary<string, string> { ["appSecret"] = secret, ["verifyToken"] = "verify-me" },
        })).Json(HttpStatusCode.Created);
        return new WhatsAppChannel(app.CreateClient(), channel.Id(), secret);
    }

    public Task<HttpResponseMessage> PostAsync(string body, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{Id}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WhatsAppDeliveries.SignatureHeader, signature ?? WhatsAppDeliveries.Sign(body, AppSecret));
        return http.SendAsync(request);
    }
}
