using System.Collections.Concurrent;
using System.Net;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Outbox;

/// <summary>
/// A test-only sender for WhatsApp channels, in place of the real one, that answers as the test
/// scripts it: <paramref name="send"/> gets the draft and how many times its text was sent before,
/// counting this one. Registered through the test host like a channel project's own sender.
/// </summary>
public sealed class ScriptedSender(Func<OutboundDraft, int, CancellationToken, Task<SendOutcome>> send) : IChannelSender
{
    private readonly ConcurrentDictionary<string, int> calls = new();
    private readonly ConcurrentQueue<string> order = new();

    public ChannelKind Kind => ChannelKind.WhatsApp;

    /// <summary>The texts handed to the provider, in the order they were.</summary>
    public IReadOnlyList<string> Sent => [.. order];

    public int CallsFor(string text) => calls.GetValueOrDefault(text);

    public Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        order.Enqueue(draft.Content.Text);
        return send(draft, calls.AddOrUpdate(draft.Content.Text, 1, (_, n) => n + 1), ct);
    }

    /// <summary>Sent at once, under a provider id made of the text, as WhatsApp assigns its wamid on acceptance.</summary>
    public static Task<SendOutcome> Accept(OutboundDraft draft) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Sent("wamid." + draft.Content.Text.Replace(' ', '-')));

    /// <summary>An app whose WhatsApp channels send through <paramref name="sender"/>, with a client who has a WhatsApp number.</summary>
    public static async Task<(LiaisonApp App, HttpClient Api, long ClientId)> StartAsync(DatabaseProvider db, ScriptedSender sender, Action<IServiceCollection>? more = null, AppClock clock = AppClock.Running)
    {
        var app = new LiaisonApp(db, services =>
        {
            SendThrough(services, sender);
            more?.Invoke(services);
        }, clock);
        await app.StartAsync();
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, ApiCalls.Unique("Lanes "));
        await ClientsApiTest.NewContact(api, clientId, "Wiktor WhatsApp", ("whatsapp", "+48 600 500 600"));
        return (app, api, clientId);
    }

    /// <summary>
    /// Test services: WhatsApp channels send through <paramref name="sender"/> in place of the
    /// channel's own sender (which would call the Graph API), and have no 24-hour window (these tests
    /// are about the outbox and promises, and write to contacts who never wrote first).
    /// </summary>
    public static void SendThrough(IServiceCollection services, ScriptedSender sender)
    {
        foreach (var real in services.Where(d => d.ServiceType == typeof(IChannelSender) && d.ImplementationType == typeof(Liaison.Channels.WhatsApp.WhatsAppSender)).ToList())
            services.Remove(real);
        services.AddSingleton<IChannelSender>(sender);
        var whatsApp = Liaison.Channels.WhatsApp.WhatsAppDescriptor.Instance;
        services.AddSingleton(new ChannelDescriptor(ChannelKind.WhatsApp, whatsApp.Look)
        {
            Uses = whatsApp.Uses, Order = whatsApp.Order, Addresses = whatsApp.Addresses, SamePersonAs = whatsApp.SamePersonAs,
            Threads = whatsApp.Threads, Receives = whatsApp.Receives, Settings = whatsApp.Settings,
            Capabilities = whatsApp.Capabilities with { ReplyWindow = null, Templates = false },
        });
    }

    public static async Task<long> ConnectAsync(LiaisonApp app) => (await WhatsAppChannel.ConnectAsync(app)).Id;

    public static async Task<long> QueueAsync(HttpClient api, long clientId, long channelId, string text) =>
        (await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text })).Json(HttpStatusCode.Accepted))["messageId"]!.GetValue<long>();
}
