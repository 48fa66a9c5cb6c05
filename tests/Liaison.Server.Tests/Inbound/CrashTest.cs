using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Inbound;

/// <summary>The real server process, killed with SIGKILL while deliveries stream in, then started again.</summary>
public class CrashTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ServerKilledMidStream_EveryAcknowledgedDeliveryIsStoredOnceAndProcessed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await ServerProcess.RunCommandAsync(database.Environment, "setup", "--owner-email", "crash@example.com", "--password", "crash test password");
        var token = await ServerProcess.RunCommandAsync(database.Environment, "token", "create", "--name", "crash");
        const string secret = "crash-secret";
        var acknowledged = new ConcurrentDictionary<int, bool>();
        long channelId;

        await using (var server = await ServerProcess.StartAsync(database.Environment))
        {
            using var api = new HttpClient { BaseAddress = server.Address };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var created = await api.PostAsJsonAsync("/api/channels", new { kind = "whatsapp", name = "crash", settings = new Dictionary<string, string> { ["appSecret"] = secret } });
            channelId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();

            using var hooks = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            var next = -1;
            using var enough = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!enough.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    var body = WhatsAppDeliveries.Text("48600" + (i % 50).ToString("000000", System.Globalization.CultureInfo.InvariantCulture), "Crash",
                        $"wamid.crash.{i}", $"delivery {i}", DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(i));
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{channelId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Add(WhatsAppDeliveries.SignatureHeader, WhatsAppDeliveries.Sign(body, secret));
                    try
                    {
                        using var response = await hooks.SendAsync(request);
                        if (response.StatusCode == HttpStatusCode.OK) acknowledged[i] = true;
                    }
                    catch (HttpRequestException) { return; }
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();

            // Kill mid-stream: once a good number of deliveries were acknowledged, with requests still in flight.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 400 && DateTime.UtcNow < deadline) await Task.Delay(10);

            await server.KillAsync();
            await enough.CancelAsync();
            await Task.WhenAll(senders);
        }
        Assert.True(acknowledged.Count >= 400, $"only {acknowledged.Count} deliveries were acknowledged before the kill");

        await using (var restarted = await ServerProcess.StartAsync(database.Environment))
        {

            await Eventually.Until(async () =>
            {
                await using var db = database.Open();
                return await db.InboundDeliveries.CountAsync(d => d.ChannelId == channelId && d.State != DeliveryProcessing.Processed);
            }, n => n == 0, "every stored delivery processed after the restart", TimeSpan.FromMinutes(2));
        }

        await using (var db = database.Open())
        {
            var keys = await db.InboundDeliveries.Where(d => d.ChannelId == channelId).Select(d => d.Key).ToListAsync();
            var messages = await db.Messages.Where(m => m.ChannelId == channelId).Select(m => m.ProviderMessageId!).ToListAsync();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            Assert.Equal(messages.Count, messages.Distinct().Count());
            var missing = acknowledged.Keys.Where(i => !messages.Contains($"wamid.crash.{i}")).ToList();
            Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join(", ", missing.Take(20))}");
            Assert.Equal(keys.Count, messages.Count);
            if (provider == DatabaseProvider.Sqlite)
            {
                var check = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync();
                Assert.Equal(["ok"], check);
            }
        }
    }
}
