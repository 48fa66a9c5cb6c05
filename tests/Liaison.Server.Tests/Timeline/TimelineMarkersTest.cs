using System.Net;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Tests.Timeline;

/// <summary>What the channel told us after a message arrived: edits, deletions, delivery states.</summary>
public class TimelineMarkersTest(LiaisonApps apps)
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TimelineItem_AfterEditDeletionAndStatus_CarriesTheirTimesAndState(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var waId = "4869" + Random.Shared.Next(1000000, 9999999);
        var wamid = $"wamid.{Guid.NewGuid():N}";
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Markers client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Marek", ("whatsapp", "+" + waId));
        await channel.PostAsync(WhatsAppDeliveries.Text(waId, "Marek", wamid, "first version", Sent));
        await channel.PostAsync(WhatsAppDeliveries.Status(wamid, waId, "read", Sent.AddMinutes(1)));
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channel.Id && m.DeliveryState != null)), n => n == 1, "the status applied");

        var before = (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]![0]!;
        Assert.Null(before["editedAt"]);
        Assert.Null(before["deletedAt"]);
        Assert.Equal("read", before["deliveryState"]!.GetValue<string>());

        var edited = Instant.FromDateTimeOffset(Sent.AddMinutes(3));
        var deleted = Instant.FromDateTimeOffset(Sent.AddMinutes(5));
        await app.WithDb(async d =>
        {
            var message = await d.Messages.SingleAsync(m => m.ChannelId == channel.Id);
            message.RecordEdit("second version", edited);
            message.RecordDeletion(deleted);
            return await d.SaveChangesAsync();
        });

        var item = (await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]![0]!;
        Assert.Equal("second version", item["text"]!.GetValue<string>());
        Assert.Equal(Sent.AddMinutes(3), DateTimeOffset.Parse(item["editedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Sent.AddMinutes(5), DateTimeOffset.Parse(item["deletedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
