using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Bench;

/// <summary>
/// Webhook ingest: a load generator on 127.0.0.1 posts signed WhatsApp deliveries (10% of them
/// repeats of earlier ones, as providers retry) at the real server and counts what is acknowledged
/// after commit; in the same run the same generator posts the same bodies to a bare endpoint of the
/// same server that only answers 200, as the denominator.
/// </summary>
public static class IngestBenchmark
{
    private static readonly string[] Texts =
    [
        "Dzień dobry, przesyłam poprawki do makiety strony głównej. Czy da się to wdrożyć do piątku?",
        "Добрый день! Посмотрите, пожалуйста, новый вариант логотипа и напишите, что думаете.",
        "Здравейте, изпращам текстовете за страницата „За нас“. Ако има нужда от промени, пишете.",
        "Hi! Quick question about the invoice from last week — could you resend it with our VAT number?",
    ];

    public static async Task<int> RunAsync(string provider, int deliveries, int concurrency, int runs)
    {
        var providers = provider == "both" ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres]
            : new[] { Enum.Parse<DatabaseProvider>(provider, ignoreCase: true) };
        Console.WriteLine($"Ingest benchmark: {deliveries:N0} requests per run (10% repeats), {concurrency} concurrent, {runs} runs, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var p in providers) rows.AddRange(await RunOneAsync(p, deliveries, concurrency, runs));
        Console.WriteLine();
        Console.WriteLine("| provider | target | deliveries/s (median) | p50 ms | p99 ms | ratio to bare | peak server memory | rows stored / distinct |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }

    private static async Task<List<string>> RunOneAsync(DatabaseProvider provider, int count, int concurrency, int runs)
    {
        await using var database = await TestDatabase.CreateAsync(provider, "liaison_ingest_");
        var environment = database.Environment;
        environment["Liaison__Inbound__BareEndpoint"] = "true";
        if (Environment.GetEnvironmentVariable("BENCH_NO_PROCESS") == "1") environment["Liaison__Inbound__Process"] = "false";
        await ServerProcess.RunCommandAsync(environment, "setup", "--owner-email", "bench@example.com", "--password", "benchmark password");
        var token = await ServerProcess.RunCommandAsync(environment, "token", "create", "--name", "bench");
        await using var server = await ServerProcess.StartAsync(environment);
        using var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        const string secret = "bench-app-secret";
        var created = await api.PostAsJsonAsync("/api/channels", new { kind = "whatsapp", name = "bench", settings = new Dictionary<string, string> { ["appSecret"] = secret } });
        var channelId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = server.Address };
        var results = new List<(string Target, double PerSecond, double P50, double P99)>();
        var distinctTotal = 0;
        for (var run = 0; run < runs; run++)
        {
            var (bodies, distinct) = Deliveries(count, secret, run);
            distinctTotal += distinct;
            // Bare first, then the real endpoint, alternating per run so drift hits both alike.
            var bare = await Drive(http, "/diagnostics/bare-webhook", bodies, concurrency);
            results.Add(("bare", bare.PerSecond, bare.P50, bare.P99));
            var hooks = await Drive(http, $"/hooks/{channelId}", bodies, concurrency);
            results.Add(("hooks", hooks.PerSecond, hooks.P50, hooks.P99));
            Console.WriteLine($"[{provider}] run {run + 1}: bare {results[^2].PerSecond:N0}/s, webhook {results[^1].PerSecond:N0}/s (p99 {results[^1].P99:F1} ms)");
        }
        var peak = server.PeakMemoryMiB();
        int stored;
        await using (var db = database.Open()) stored = await db.InboundDeliveries.CountAsync(d => d.ChannelId == channelId);

        string Row(string target)
        {
            var mine = results.Where(r => r.Target == target).ToList();
            var bare = Median(results.Where(r => r.Target == "bare").Select(r => r.PerSecond));
            var perSecond = Median(mine.Select(r => r.PerSecond));
            return $"| {provider} | {(target == "bare" ? "bare endpoint (200 only)" : "POST /hooks/{id}, stored before 200")} | {perSecond:N0} | {Median(mine.Select(r => r.P50)):F1} | {Median(mine.Select(r => r.P99)):F1} | " +
                   $"{(target == "bare" ? "1.00" : (perSecond / bare).ToString("F2", System.Globalization.CultureInfo.InvariantCulture))} | {(target == "bare" ? "" : $"{peak:F0} MiB")} | {(target == "bare" ? "" : $"{stored:N0} / {distinctTotal:N0}")} |";
        }
        return [Row("bare"), Row("hooks")];
    }

    /// <summary>Realistic WhatsApp text deliveries, signed; every tenth is a repeat of an earlier one.</summary>
    private static (List<(byte[] Body, string Signature)> Bodies, int Distinct) Deliveries(int count, string secret, int run)
    {
        var random = new Random(run);
        var bodies = new List<(byte[], string)>(count);
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 10 && i % 10 == 0)
            {
                bodies.Add(bodies[random.Next(i)]);
                continue;
            }
            var waId = "48600" + random.Next(0, 1000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
            var body = WhatsAppDeliveries.Text(waId, $"Sender {waId[^3..]}", $"wamid.bench.{run}.{i}.{Guid.NewGuid():N}", Texts[random.Next(Texts.Length)],
                DateTimeOffset.UtcNow.AddSeconds(-random.Next(0, 86400)));
            bodies.Add((Encoding.UTF8.GetBytes(body), WhatsAppDeliveries.Sign(body, secret)));
            distinct++;
        }
        return (bodies, distinct);
    }

    private static async Task<(double PerSecond, double P50, double P99)> Drive(HttpClient http, string path, List<(byte[] Body, string Signature)> bodies, int concurrency)
    {
        var latencies = new double[bodies.Count];
        var next = -1;
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bodies[i].Body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation(WhatsAppDeliveries.SignatureHeader, bodies[i].Signature);
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (failures > 0) throw new InvalidOperationException($"{failures} requests to {path} were not acknowledged.");
        Array.Sort(latencies);
        if (Environment.GetEnvironmentVariable("BENCH_DEBUG") == "1")
            Console.WriteLine($"  {path}: {elapsed:F1} s, max {latencies[^1]:F0} ms, >100 ms: {latencies.Count(l => l > 100)}, >1 s: {latencies.Count(l => l > 1000)}");
        return (bodies.Count / elapsed, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
