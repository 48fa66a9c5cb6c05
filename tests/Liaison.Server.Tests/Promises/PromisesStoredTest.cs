using System.Net;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Promises;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Promises;

/// <summary>A promise is stored for every live inbound message that needs an answer, and answered by a person's reply.</summary>
public class PromisesStoredTest
{
    // 2027-01-08 is a Friday; 17:30 UTC is 18:30 in Warsaw, after our 17:00 close.
    private static readonly Instant FridayEvening = Instant.FromUtc(2027, 1, 8, 17, 30);
    // Monday 13:00 Warsaw: 4 working hours (WhatsApp) counted from 09:00.
    private static readonly Instant MondayDue = Instant.FromUtc(2027, 1, 11, 12, 0);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_LiveWhatsAppMessageOnFridayEvening_IsStoredDueMondayWithTheVersionsInForce(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Kowalski");
        var messageId = await world.InboundAsync(address, "Dzień dobry, mam pytanie o fakturę.");

        var promise = await world.PromiseOfAsync(clientId, messageId);
        Assert.NotNull(promise);
        Assert.Equal(FridayEvening, promise.At("receivedAt"));
        Assert.Equal(MondayDue, promise.At("dueAt"));
        Assert.StartsWith("2027-01-11T13:00:00+01", promise["dueInClientZone"]!.Str("at"));
        Assert.Equal(("whatsapp", "normal", "none", "pl"), (promise.Str("channel"), promise.Str("urgency"), promise.Str("urgencyReason"), promise.Str("language")));
        Assert.Equal((1, 0), (promise.Int("agreementVersion"), promise.Int("calendarVersion"))); // the calendar was never saved: the default, version 0
        Assert.Equal("open", promise.Str("state"));
        // One promise per message, in the table too.
        Assert.Equal(1, await world.App.WithDb(d => d.Promises().CountAsync(p => p.MessageId == messageId)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_BackfilledHistory_GetsNone(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Historia");
        var backfilled = await world.InboundAsync(address, "Stara wiadomość z importu", backfill: true);
        var live = await world.InboundAsync(address, "Nowa wiadomość");

        Assert.Null(await world.PromiseOfAsync(clientId, backfilled));
        Assert.NotNull(await world.PromiseOfAsync(clientId, live));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_AgreementAndCalendarChangedAfterwards_KeepsItsTerms_AndTheNextMessageGetsTheNewOnes(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Zmiana");
        var before = await world.InboundAsync(address, "Pierwsza");

        world.MoveTo(FridayEvening + Duration.FromMinutes(5));
        // WhatsApp now 8 working hours; our calendar moves to Sofia (an hour ahead of Warsaw).
        await world.SetTermsAsync(clientId, t =>
        {
            foreach (var rule in t["responseTimes"]!.AsArray())
                if (rule!["channel"]?.GetValue<string>() == "whatsapp" && rule.Str("urgency") == "normal") rule["within"] = new JsonObject { ["amount"] = 8, ["unit"] = "workingHours" };
        });
        await (await world.Api.PutAsync("/api/calendar", System.Net.Http.Json.JsonContent.Create(Calendar.CalendarApiTest.Calendar("Europe/Sofia")))).Json(HttpStatusCode.OK);
        world.MoveTo(FridayEvening + Duration.FromMinutes(10));
        var after = await world.InboundAsync(address, "Druga");

        var old = (await world.PromiseOfAsync(clientId, before))!;
        Assert.Equal(MondayDue, old.At("dueAt"));
        Assert.Equal((1, 0), (old.Int("agreementVersion"), old.Int("calendarVersion")));
        var renewed = (await world.PromiseOfAsync(clientId, after))!;
        Assert.Equal((2, 1), (renewed.Int("agreementVersion"), renewed.Int("calendarVersion")));
        // Monday 09:00–17:00 in Sofia is 07:00–15:00 UTC: 8 working hours end at 15:00 UTC (no check windows in the new calendar).
        Assert.Equal(Instant.FromUtc(2027, 1, 11, 15, 0), renewed.At("dueAt"));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_PersonsReplyBeforeDue_KeepsIt_AndAnAcknowledgementAnswersNothing(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Dotrzymana");
        var messageId = await world.InboundAsync(address, "Kiedy będzie gotowe?");

        world.MoveTo(FridayEvening + Duration.FromMinutes(1));
        var acknowledgement = await world.AcknowledgeAsync(clientId, messageId);
        var afterAck = (await world.PromiseOfAsync(clientId, messageId))!;
        Assert.Equal("open", afterAck.Str("state"));
        Assert.Null(afterAck["answeredAt"]);
        Assert.True(await world.App.WithDb(d => d.Messages.Where(m => m.Id == messageId).Select(m => m.NeedsAnswer).SingleAsync()));
        Assert.True(await world.App.WithDb(d => d.Messages.Where(m => m.Id == acknowledgement).Select(m => m.IsAutomatic).SingleAsync()));

        var reply = Instant.FromUtc(2027, 1, 11, 8, 30); // Monday 09:30 Warsaw
        world.MoveTo(reply);
        var replyId = await world.ReplyAsync(clientId, messageId, "Gotowe w środę.");
        var kept = (await world.PromiseOfAsync(clientId, messageId))!;
        Assert.Equal("kept", kept.Str("state"));
        Assert.Equal(reply, kept.At("answeredAt"));
        Assert.Equal(replyId, kept.Long("answeredByMessageId"));
        Assert.DoesNotContain((await world.QueueAsync())["items"]!.AsArray(), i => i!["promise"]!.Long("messageId") == messageId);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_ReplyAfterDue_IsBroken_AndStaysBroken(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Spóźniona");
        var messageId = await world.InboundAsync(address, "Halo?");

        world.MoveTo(MondayDue + Duration.FromMinutes(1));
        Assert.Equal("broken", (await world.PromiseOfAsync(clientId, messageId))!.Str("state"));
        // Still waiting for its answer: an overdue message stays in the queue, at risk.
        var item = (await world.QueueAsync())["items"]!.AsArray().Single(i => i!["promise"]!.Long("messageId") == messageId)!;
        Assert.True(item["atRisk"]!.GetValue<bool>());
        Assert.Equal(-1, item.Long("leftMinutes"));

        await world.ReplyAsync(clientId, messageId, "Przepraszam za zwłokę.");
        var broken = (await world.PromiseOfAsync(clientId, messageId))!;
        Assert.Equal("broken", broken.Str("state"));
        Assert.Equal(MondayDue + Duration.FromMinutes(1), broken.At("answeredAt"));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Promise_UnknownSendersMessage_IsMadeWhenPlacedWithAClient_CountedFromItsArrival(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var stranger = "+48 601 " + Random.Shared.Next(100000, 999999);
        var messageId = await world.InboundAsync(stranger, "Dzień dobry, polecił mi Pana znajomy.");
        Assert.Equal(0, await world.App.WithDb(d => d.Promises().CountAsync(p => p.MessageId == messageId)));

        world.MoveTo(FridayEvening + Duration.FromHours(1));
        var senders = (await (await world.Api.GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK)).AsArray();
        var senderId = senders.Single(s => s!.Str("address") == stranger.Replace(" ", "").TrimStart('+'))!.Long("id");
        var client = await (await world.Api.Post($"/api/unknown-senders/{senderId}/create-client", new { clientName = ApiCalls.Unique("Polecony ") })).Json(HttpStatusCode.Created);

        var promise = (await world.PromiseOfAsync(client.Id(), messageId))!;
        Assert.Equal(FridayEvening, promise.At("receivedAt"));
        Assert.Equal(0, promise.Int("agreementVersion")); // the new client has no stored agreement: the template's start
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisesMade_IsPublishedOnceTheRecordingCommitted(DatabaseProvider db)
    {
        await using var world = await PromiseWorld.StartAsync(db, FridayEvening);
        var (clientId, address) = await world.NewClientAsync("Powiadomienie");
        var live = world.App.Services.GetRequiredService<LiveUpdates>();
        var heard = new List<(PromiseMade Made, bool Stored)>();
        void Listen(IReadOnlyList<PromiseMade> made)
        {
            // On the committing thread: the promise is readable from another connection already.
            using var scope = world.App.Services.CreateScope();
            var other = scope.ServiceProvider.GetRequiredService<Data.LiaisonDb>();
            lock (heard) heard.AddRange(made.Select(m => (m, other.Promises().Any(p => p.Id == m.PromiseId))));
        }
        live.PromisesMade += Listen;
        try
        {
            var messageId = await world.InboundAsync(address, "Proszę o kontakt");
            var (made, stored) = Assert.Single(heard);
            Assert.True(stored);
            Assert.Equal((messageId, clientId, MondayDue), (made.MessageId, made.ClientId, made.DueAt));
        }
        finally { live.PromisesMade -= Listen; }
    }
}
