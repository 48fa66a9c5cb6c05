using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Inbound;

/// <summary>
/// A delivery that kills the real server process whenever it is processed (the test-only crash hook
/// stands in for a stack overflow in a parser), restarted the way a supervisor restarts it.
/// </summary>
public class CrashLoopTest
{
    private const string Secret = "crash-loop-secret";
    private const string Marker = "CRASH-THE-SERVER-NOW";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeliveryThatKillsTheServer_IsSetAsideAfterTwoCrashes_TheServerStaysUp_AndItsBatchMateIsProcessed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await ServerProcess.RunCommandAsync(database.Environment, "setup", "--owner-email", "loop@example.com", "--password", "crash loop password");
        var token = await ServerProcess.RunCommandAsync(database.Environment, "token", "create", "--name", "loop");

        // Both stored by a server that only receives, so the first server that processes claims them in one batch.
        long channelId;
        var receiving = new Dictionary<string, string>(database.Environment) { ["Liaison__Inbound__Process"] = "false" };
        await using (var server = await ServerProcess.StartAsync(receiving))
        {
            using var api = Api(server, token);
            var created = await api.PostAsJsonAsync("/api/channels", new { kind = "whatsapp", name = "loop", settings = new Dictionary<string, string> { ["appSecret"] = Secret } });
            channelId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
            var at = DateTimeOffset.UnixEpoch.AddDays(20000);
            Assert.Equal(HttpStatusCode.OK, await PostAsync(server, channelId, WhatsAppDeliveries.Text("48600111222", "Mallory", "wamid.loop.crash", $"hello {Marker}", at)));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(server, channelId, WhatsAppDeliveries.Text("48600333444", "Nina", "wamid.loop.normal", "an ordinary message", at.AddSeconds(1))));
        }

        var processing = new Dictionary<string, string>(database.Environment) { ["Liaison__Testing__CrashOnText"] = Marker };
        var crashes = 0;
        ServerProcess? up = null;
        // The supervisor: start the server again whenever it dies, until it stays up with the work done.
        while (up is null && crashes < 5)
        {
            ServerProcess started;
            try
            {
                started = await ServerProcess.StartAsync(processing);
            }
            catch (InvalidOperationException)
            {
                crashes++;
                continue;
            }
            var outcome = await Eventually.Until(async () => started.HasExited ? "exited" : await SettledAsync(database, channelId) ? "settled" : "working",
                o => o != "working", "the server to die or to finish both deliveries", TimeSpan.FromMinutes(1));
            if (outcome == "exited")
            {
                crashes++;
                await started.DisposeAsync();
            }
            else up = started;
        }

        Assert.NotNull(up);
        await using (up)
        {
            Assert.Equal(2, crashes);
            using var api = Api(up, token);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live")).StatusCode);
            Assert.False(up.HasExited);
            await using (var db = database.Open())
                Assert.Equal(["an ordinary message"], await db.Messages.Where(m => m.ChannelId == channelId).Select(m => m.Text).ToListAsync());
            var undelivered = (await api.GetFromJsonAsync<JsonArray>("/api/inbound/undelivered"))!.Single(d => d!["channelId"]!.GetValue<long>() == channelId)!;
            Assert.Equal("failed", undelivered["state"]!.GetValue<string>());
            Assert.Equal(2, undelivered["attempts"]!.GetValue<int>());
            Assert.Contains("stopped the server 2 times; set aside", undelivered["lastError"]!.GetValue<string>());
            Assert.Contains(Marker, undelivered["payload"]!.GetValue<string>());
        }

        // Once whatever crashed is fixed (here: the hook off), Retry turns the delivery into its message.
        await using (var fixedServer = await ServerProcess.StartAsync(database.Environment))
        {
            using var api = Api(fixedServer, token);
            long crasherId;
            await using (var db = database.Open())
                crasherId = await db.InboundDeliveries.Where(d => d.ChannelId == channelId && d.State == DeliveryProcessing.Failed).Select(d => d.Id).SingleAsync();
            var retried = await api.PostAsync($"/api/inbound/deliveries/{crasherId}/retry", null);
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.Equal("processed", (await retried.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
            await using var check = database.Open();
            Assert.Equal(2, await check.Messages.CountAsync(m => m.ChannelId == channelId));
        }
    }

    private static async Task<bool> SettledAsync(TestDatabase database, long channelId)
    {
        await using var db = database.Open();
        var states = await db.InboundDeliveries.Where(d => d.ChannelId == channelId).OrderBy(d => d.Id).Select(d => d.State).ToListAsync();
        return states.SequenceEqual([DeliveryProcessing.Failed, DeliveryProcessing.Processed]);
    }

    private static HttpClient Api(ServerProcess server, string token)
    {
        var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task<HttpStatusCode> PostAsync(ServerProcess server, long channelId, string body)
    {
        using var hooks = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{channelId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WhatsAppDeliveries.SignatureHeader, WhatsAppDeliveries.Sign(body, Secret));
        using var response = await hooks.SendAsync(request);
        return response.StatusCode;
    }
}
