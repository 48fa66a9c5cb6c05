using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Promises;
using Liaison.Server.Features.Notifications;
using Liaison.Server.Tests.Inbound;
using Liaison.Server.Tests.Outbox;
using Liaison.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Acknowledgements;

/// <summary>Urgent is the only interruption: an urgent message notifies the owner at once, through every owner notifier; a normal one does not.</summary>
public class UrgentNotificationTest
{
    private sealed class RecordingNotifier : IOwnerNotifier
    {
        public ConcurrentQueue<OwnerNotice> Notices { get; } = new();

        public Task NotifyAsync(OwnerNotice notice, CancellationToken ct)
        {
            Notices.Enqueue(notice);
            return Task.CompletedTask;
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UrgentMessageInRussianAtNight_NotifiesTheOwnerAtOnce_ANormalOneDoesNot(DatabaseProvider db)
    {
        var notifier = new RecordingNotifier();
        var sender = new ScriptedSender((draft, _, _) => ScriptedSender.Accept(draft));
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender, s => s.AddSingleton<IOwnerNotifier>(notifier), AppClock.Stopped);
        await using var _ = app;
        var terms = (await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        terms["language"] = "ru";
        terms["clientTimeZone"] = "Europe/Moscow";
        terms["channels"] = new JsonObject { ["accepted"] = new JsonArray("email", "whatsapp"), ["preferred"] = "email" };
        await (await api.Put($"/api/clients/{clientId}/agreement", new { terms })).Json(HttpStatusCode.OK);
        var moscow = DateTimeZoneProviders.Tzdb["Europe/Moscow"];
        var night = Instant.FromDateTimeOffset(app.Time.GetUtcNow()).InZone(moscow).Date.PlusDays(2).At(new LocalTime(3, 0)).InZoneStrictly(moscow).ToInstant();
        app.Time.SetUtcNow(night.ToDateTimeOffset());
        var channel = await WhatsAppChannel.ConnectAsync(app);

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Text("48600500600", "Wiktor", "wamid.normal", "Добрый вечер, вопрос по счёту.", night.ToDateTimeOffset()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Text("48600500600", "Wiktor", "wamid.urgent", "Срочно! Сайт не открывается.", night.ToDateTimeOffset()))).StatusCode);

        var notice = Assert.Single(await Eventually.Until(() => Task.FromResult(notifier.Notices.ToList()), n => n.Count >= 1, "the owner notified"));
        Assert.Equal((clientId, UrgencyReason.Marker, "Срочно! Сайт не открывается."), (notice.ClientId, notice.Why, notice.Snippet));
        // The normal message was recorded first (same stream, in order) and never notified.
        var promises = (await (await api.GetAsync($"/api/clients/{clientId}/promises")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Equal(2, promises.Count);
        Assert.Single(notifier.Notices);
    }
}
