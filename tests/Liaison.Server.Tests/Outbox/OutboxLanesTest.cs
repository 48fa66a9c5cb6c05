using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Outbound;
using Liaison.Server.Features.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Tests.Outbox;

/// <summary>The outbox with a scripted provider: lanes per channel, deferrals, ids the provider assigns, and the one queueing call.</summary>
public class OutboxLanesTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SendStuckOnOneChannel_DoesNotHoldUpAnotherChannel_AndItsOwnChannelKeepsItsOrder(DatabaseProvider db)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new ScriptedSender(async (draft, _, ct) =>
        {
            if (draft.Content.Text == "stuck on A")
            {
                stuck.TrySetResult();
                await release.Task.WaitAsync(ct);
            }
            return await ScriptedSender.Accept(draft);
        });
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender);
        await using var _ = app;
        var (a, b) = (await ScriptedSender.ConnectAsync(app), await ScriptedSender.ConnectAsync(app));

        var first = await ScriptedSender.QueueAsync(api, clientId, a, "stuck on A");
        await stuck.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await ScriptedSender.QueueAsync(api, clientId, a, "after on A");
        var other = await ScriptedSender.QueueAsync(api, clientId, b, "quick on B");
        try
        {
            await Eventually.Until(() => OutboxAsync(api, other), o => State(o) == "sent", "channel B's message sent while channel A's provider hangs", TimeSpan.FromSeconds(30));
            Assert.Equal("sending", State(await OutboxAsync(api, first)));
            Assert.Equal("queued", State(await OutboxAsync(api, second)));
        }
        finally
        {
            release.TrySetResult();
        }

        await Eventually.Until(() => OutboxAsync(api, second), o => State(o) == "sent", "channel A's second message sent after its first");
        Assert.Equal("sent", State(await OutboxAsync(api, first)));
        Assert.Equal(["stuck on A", "after on A"], sender.Sent.Where(t => t.EndsWith(" on A", StringComparison.Ordinal)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ProviderDefers_ItemWaitsUntilTheGivenInstantWithoutBurningAnAttempt_ThenSendsAndTheProvidersIdIsOnTheMessage(DatabaseProvider db)
    {
        // The provider's instant, known once the app's (stopped) clock is.
        var until = default(Instant);
        const string invoice = "Your invoice is ready";
        var sender = new ScriptedSender((draft, call, _) => draft.Content.Text != invoice ? ScriptedSender.Accept(draft)
            : call == 1 ? Task.FromResult<SendOutcome>(new SendOutcome.Deferred(until, "429 Too Many Requests: retry after 600 s"))
            : Task.FromResult<SendOutcome>(new SendOutcome.Sent("wamid.HBgLNDg2MDA1MDA2MDAVAgARGBI")));
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender, clock: AppClock.Stopped);
        await using var _ = app;
        // The app's clock is the TimeProvider and the lease clock alike: advancing it moves every due time.
        var time = app.Time;
        until = Instant.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds() + 600);
        var channelId = await ScriptedSender.ConnectAsync(app);

        var queued = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = invoice })).Json(HttpStatusCode.Accepted);
        var messageId = queued["messageId"]!.GetValue<long>();
        // WhatsApp names a message only when it accepts it.
        Assert.Null(queued["providerMessageId"]);

        var deferred = await Eventually.Until(() => OutboxAsync(api, messageId), o => State(o) == "deferred", "the send deferred by the provider");
        Assert.Equal((0, until, "429 Too Many Requests: retry after 600 s"),
            (deferred["attempts"]!.GetValue<int>(), At(deferred["nextAttemptAt"]), deferred["lastError"]!.GetValue<string>()));
        var item = Assert.Single((await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray(), i => i!["id"]!.GetValue<long>() == messageId)!;
        Assert.Equal(("deferred", until), (item["outboxState"]!.GetValue<string>(), At(item["nextAttemptAt"])));

        // Not a second before the provider's instant: a message queued later on the same channel goes
        // through its lane (so the outbox looked after the clock moved), the deferred one stays put.
        time.Advance(TimeSpan.FromMinutes(9));
        var later = await ScriptedSender.QueueAsync(api, clientId, channelId, "Thanks for waiting");
        await Eventually.Until(() => OutboxAsync(api, later), o => State(o) == "sent", "a later message sent on the same channel");
        Assert.Equal(("deferred", 1), (State(await OutboxAsync(api, messageId)), sender.CallsFor(invoice)));

        time.Advance(TimeSpan.FromMinutes(1));
        // The outbox's poll waits on the fake clock; a wake covers a poll that read the clock just before it moved.
        var outbox = app.Services.GetRequiredService<OutboxSender>();
        var sent = await Eventually.Until(() => { outbox.Wake(); return OutboxAsync(api, messageId); }, o => State(o) == "sent", "the deferred send made at the provider's instant");
        Assert.Equal(("wamid.HBgLNDg2MDA1MDA2MDAVAgARGBI", 1), (sent["providerMessageId"]!.GetValue<string>(), sent["attempts"]!.GetValue<int>()));
        Assert.Equal("wamid.HBgLNDg2MDA1MDA2MDAVAgARGBI", await app.WithDb(d => d.Messages.Where(m => m.Id == messageId).Select(m => m.ProviderMessageId).SingleAsync()));
        Assert.Equal(2, sender.CallsFor(invoice));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task BackgroundRule_QueuesWithoutARequest_AndTheSameIdempotencyKeyQueuesOnce(DatabaseProvider db)
    {
        var sender = new ScriptedSender((draft, _, _) => ScriptedSender.Accept(draft));
        var (app, api, clientId) = await ScriptedSender.StartAsync(db, sender);
        await using var _ = app;
        var channelId = await ScriptedSender.ConnectAsync(app);
        // A background rule has the root services, no HTTP request and no scope.
        var queue = app.Services.GetRequiredService<OutboundQueue>();
        var request = new QueueRequest(clientId, channelId, To: null, Subject: null, Text: "Weekly report: 3 tasks done",
            Purpose: MessagePurpose.Report, IdempotencyKey: "report:2026-W48");

        var first = await queue.QueueAsync(request, TestContext.Current.CancellationToken);
        var again = await queue.QueueAsync(request, TestContext.Current.CancellationToken);
        var byApi = await (await api.Post($"/api/clients/{clientId}/messages", new { channelId, text = "Weekly report: 3 tasks done", idempotencyKey = "report:2026-W48" }))
            .Json(HttpStatusCode.Accepted);

        Assert.NotNull(first);
        Assert.False(first.AlreadyQueued);
        Assert.Equal((first.Message.Id, true), (again!.Message.Id, again.AlreadyQueued));
        Assert.Equal(first.Message.Id, byApi["messageId"]!.GetValue<long>());
        var sent = await Eventually.Until(() => OutboxAsync(api, first.Message.Id), o => State(o) == "sent", "the report sent");
        Assert.Equal(("report", "wamid.Weekly-report:-3-tasks-done"), (sent["purpose"]!.GetValue<string>(), sent["providerMessageId"]!.GetValue<string>()));
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ClientId == clientId && m.Text == "Weekly report: 3 tasks done")));
        var stored = await app.WithDb(d => d.Outbox().SingleAsync(o => o.MessageId == first.Message.Id));
        Assert.Equal((MessagePurpose.Report, "report:2026-W48", "Weekly report: 3 tasks done"), (stored.Content.Purpose, stored.Content.IdempotencyKey, stored.Content.Text));
        Assert.Equal(1, sender.CallsFor("Weekly report: 3 tasks done"));

        // A key is per rule run, not per text: the next week's report is a new message.
        var nextWeek = await queue.QueueAsync(request with { IdempotencyKey = "report:2026-W49" }, TestContext.Current.CancellationToken);
        Assert.NotEqual(first.Message.Id, nextWeek!.Message.Id);
    }

    private static async Task<JsonNode> OutboxAsync(HttpClient api, long messageId) =>
        await (await api.GetAsync($"/api/messages/{messageId}/outbox")).Json(HttpStatusCode.OK);

    private static Instant At(JsonNode? value) => InstantPattern.ExtendedIso.Parse(value!.GetValue<string>()).Value;

    private static string State(JsonNode outbox) => outbox["state"]!.GetValue<string>();
}
