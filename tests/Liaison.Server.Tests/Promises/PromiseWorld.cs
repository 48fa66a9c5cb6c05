using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Core.Outbound;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Outbox;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Promises;

/// <summary>
/// A server of its own with a stopped clock at a named instant, a connected WhatsApp channel that
/// accepts everything, and a client (a Polish one in Warsaw unless told otherwise) with a WhatsApp
/// contact. Messages from the client are recorded through the API at the clock's now.
/// </summary>
public sealed class PromiseWorld : IAsyncDisposable
{
    private PromiseWorld(LiaisonApp app, ScriptedSender sender, long channelId)
    {
        App = app;
        Sender = sender;
        ChannelId = channelId;
        Api = app.Api();
    }

    public LiaisonApp App { get; }
    public HttpClient Api { get; }
    public ScriptedSender Sender { get; }
    public long ChannelId { get; }

    public static async Task<PromiseWorld> StartAsync(DatabaseProvider db, Instant at)
    {
        var sender = new ScriptedSender((draft, _, _) => ScriptedSender.Accept(draft));
        var app = new LiaisonApp(db, s => ScriptedSender.SendThrough(s, sender), AppClock.Stopped);
        app.Time.SetUtcNow(at.ToDateTimeOffset());
        await app.StartAsync();
        return new PromiseWorld(app, sender, await ScriptedSender.ConnectAsync(app));
    }

    public Instant Now => Instant.FromDateTimeOffset(App.Time.GetUtcNow());

    public void MoveTo(Instant at) => App.Time.SetUtcNow(at.ToDateTimeOffset());

    /// <summary>A client with one contact; its agreement is stored (version 1) in <paramref name="language"/> and <paramref name="zone"/>, changed by <paramref name="terms"/>.</summary>
    public async Task<(long ClientId, string Address)> NewClientAsync(string name, string kind = "whatsapp", string language = "pl", string zone = "Europe/Warsaw",
        Action<JsonNode>? terms = null, bool vip = false)
    {
        var clientId = await ClientsApiTest.NewClient(Api, ApiCalls.Unique(name + " "));
        var address = kind == "email" ? $"{ApiCalls.Unique("client")}@example.com" : "+48 600 " + Random.Shared.Next(100000, 999999);
        await (await Api.Post($"/api/clients/{clientId}/contacts", new { name = name + " contact", vip, identities = new[] { new { kind, address } } })).Json(HttpStatusCode.Created);
        await SetTermsAsync(clientId, t =>
        {
            t["language"] = language;
            t["clientTimeZone"] = zone;
            terms?.Invoke(t);
        });
        return (clientId, address);
    }

    /// <summary>Stores a new agreement version, in force from now.</summary>
    public async Task<JsonNode> SetTermsAsync(long clientId, Action<JsonNode> change)
    {
        var terms = (await (await Api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!.DeepClone();
        change(terms);
        return await (await Api.PutAsJsonAsync($"/api/clients/{clientId}/agreement", new { terms })).Json(HttpStatusCode.OK);
    }

    /// <summary>A message from <paramref name="address"/> recorded now; its id.</summary>
    public async Task<long> InboundAsync(string address, string text, string kind = "whatsapp", bool backfill = false, string? subject = null) =>
        (await (await Api.Post("/api/messages", new { channel = kind, counterpart = address, text, subject, backfill })).Json(HttpStatusCode.Created)).Id();

    /// <summary>A person's reply queued on the WhatsApp channel; its message id.</summary>
    public async Task<long> ReplyAsync(long clientId, long messageId, string text, HttpClient? api = null) =>
        (await (await (api ?? Api).Post($"/api/clients/{clientId}/messages", new { channelId = ChannelId, text, inReplyToMessageId = messageId }))
            .Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();

    /// <summary>An acknowledgement queued as the automatic rule would (<see cref="MessagePurpose.Acknowledgement"/>).</summary>
    public async Task<long> AcknowledgeAsync(long clientId, long messageId)
    {
        var queue = App.Services.GetRequiredService<OutboundQueue>();
        var queued = await queue.QueueAsync(new QueueRequest(clientId, ChannelId, null, null, "Otrzymaliśmy, odpowiemy do poniedziałku.",
            InReplyToMessageId: messageId, Purpose: MessagePurpose.Acknowledgement, IdempotencyKey: $"ack:{messageId}"), default);
        return queued!.Message.Id;
    }

    /// <summary>The stored promise of a message, as the client's promise list shows it; null when it has none.</summary>
    public async Task<JsonNode?> PromiseOfAsync(long clientId, long messageId) =>
        (await (await Api.GetAsync($"/api/clients/{clientId}/promises")).Json(HttpStatusCode.OK)).AsArray()
            .FirstOrDefault(p => p!["messageId"]!.GetValue<long>() == messageId);

    public async Task<JsonNode> QueueAsync(HttpClient? api = null) => await (await (api ?? Api).GetAsync("/api/queue")).Json(HttpStatusCode.OK);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

internal static class Json
{
    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();
    public static int Int(this JsonNode node, string name) => node[name]!.GetValue<int>();
    public static long Long(this JsonNode node, string name) => node[name]!.GetValue<long>();
    public static Instant At(this JsonNode node, string name) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(node.Str(name)).Value;
}
