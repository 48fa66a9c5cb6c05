using System.Net;
using System.Text;
using Liaison.Channels.Telegram;
using Liaison.Server;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Telegram;

/// <summary>A Telegram bot channel connected through the API against a <see cref="FakeTelegramBotApi"/>, and a way to post updates to it as Telegram would.</summary>
public sealed class TelegramBot(LiaisonApp app, FakeTelegramBotApi api, long id)
{
    public const string PublicBaseUrl = "https://liaison.example.com";
    public long Id { get; } = id;
    public FakeTelegramBotApi Api { get; } = api;

    /// <summary>A server whose Bot API is <paramref name="api"/> and whose public address is <see cref="PublicBaseUrl"/>.</summary>
    public static async Task<LiaisonApp> StartAppAsync(DatabaseProvider db, FakeTelegramBotApi api, AppClock clock = AppClock.Running, LiaisonApp? restartOf = null)
    {
        var app = restartOf?.Successor() ?? new LiaisonApp(db, services => Configure(services, api), clock);
        await app.StartAsync();
        return app;
    }

    public static void Configure(IServiceCollection services, FakeTelegramBotApi api)
    {
        services.AddSingleton(new TelegramOptions { BotApiBase = api.Base, PollTimeout = TimeSpan.FromSeconds(1) });
        services.PostConfigure<LiaisonOptions>(o => o.PublicBaseUrl = PublicBaseUrl);
    }

    public static async Task<TelegramBot> ConnectAsync(LiaisonApp app, FakeTelegramBotApi api, string mode = TelegramDescriptor.Webhook)
    {
        var created = await (await app.Api().Post("/api/channels", new
        {
            kind = "telegram", name = "Liaison bot", settings = new Dictionary<string, string> { ["botToken"] = api.Token, ["mode"] = mode },
        })).Json(HttpStatusCode.Created);
        return new TelegramBot(app, api, created.Id());
    }

    /// <summary>Posts an update to the channel's hook with the secret Telegram was given at setWebhook (or <paramref name="secret"/>; "" leaves the header out).</summary>
    public Task<HttpResponseMessage> PostAsync(string update, string? secret = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{Id}") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        var header = secret ?? Api.WebhookSecret;
        if (!string.IsNullOrEmpty(header)) request.Headers.Add(TelegramUpdates.SecretHeader, header);
        return app.CreateClient().SendAsync(request);
    }

    /// <summary>A client with one contact whose Telegram identity is <paramref name="address"/> (a numeric id or an @username).</summary>
    public static async Task<long> ClientWithContactAsync(LiaisonApp app, string clientName, string contactName, string address)
    {
        var clientId = await ClientsApiTest.NewClient(app.Api(), clientName);
        await ClientsApiTest.NewContact(app.Api(), clientId, contactName, ("telegram", address));
        return clientId;
    }
}
