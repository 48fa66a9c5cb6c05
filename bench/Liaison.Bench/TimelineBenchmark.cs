using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Liaison.Server;
using NodaTime;

using Liaison.Testing;

namespace Liaison.Bench;

/// <summary>
/// Fills 1,000 clients and 100,000 messages, starts the real server on that database, and times the
/// client list, a client timeline's first page and its 200th page (50 items a page) over loopback.
/// Times are measured at the caller, so they include the loopback round trip: an upper bound on server time.
/// </summary>
public static class TimelineBenchmark
{
    public static async Task<int> RunAsync(string provider, int clients, int messages, int samples)
    {
        var providers = provider == "both" ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres]
            : new[] { Enum.Parse<DatabaseProvider>(provider, ignoreCase: true) };
        Console.WriteLine($"Timeline benchmark: {clients:N0} clients, {messages:N0} messages, {samples} samples per figure, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var p in providers) rows.AddRange(await RunOneAsync(p, clients, messages, samples));
        Console.WriteLine();
        Console.WriteLine("| provider | request | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }

    private static async Task<List<string>> RunOneAsync(DatabaseProvider provider, int clientCount, int messageCount, int samples)
    {
        await using var database = await TestDatabase.CreateAsync(provider, "liaison_bench_");
        var environment = database.Environment;
        Console.WriteLine($"[{provider}] setting up and generating data...");
        await ServerProcess.RunCommandAsync(environment, "setup", "--owner-email", "bench@example.com", "--password", "benchmark password");
        var token = await ServerProcess.RunCommandAsync(environment, "token", "create", "--name", "bench");
        var fill = Stopwatch.StartNew();
        DataGenerator.Result data;
        await using (var db = database.Open())
        {
            data = await new DataGenerator().FillAsync(db, new DataGenerator.Shape(clientCount, messageCount, NotesPerClient: 3, BigClientMessages: 12_000),
                SystemClock.Instance.GetCurrentInstant(), s => { if (s.EndsWith("0,000 messages", StringComparison.Ordinal)) Console.WriteLine(s); });
        }
        Console.WriteLine($"[{provider}] generated {data.Clients:N0} clients, {data.Messages:N0} messages, {data.Notes:N0} notes in {fill.Elapsed.TotalSeconds:F1} s");

        await using var server = await ServerProcess.StartAsync(environment);
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var cursor = await CursorOfPage(http, data.BigClientId, 200);
        var random = new Random(7);
        var someClients = await ClientIds(http);
        for (var i = 0; i < 30; i++)
        {
            await Get(http, "/api/clients?limit=50");
            await Get(http, $"/api/clients/{data.BigClientId}/timeline?limit=50");
            await Get(http, $"/api/clients/{data.BigClientId}/timeline?limit=50&before={cursor}");
        }

        var rows = new List<string>
        {
            Row(provider, "client list (50 of 1,000, by activity)", await Time(http, samples, _ => "/api/clients?limit=50")),
            Row(provider, "client search ('ko')", await Time(http, samples, _ => "/api/clients?limit=50&search=ko")),
            Row(provider, "timeline page 1, big client", await Time(http, samples, _ => $"/api/clients/{data.BigClientId}/timeline?limit=50")),
            Row(provider, "timeline page 1, random client", await Time(http, samples, _ => $"/api/clients/{someClients[random.Next(someClients.Count)]}/timeline?limit=50")),
            Row(provider, "timeline page 200, big client", await Time(http, samples, _ => $"/api/clients/{data.BigClientId}/timeline?limit=50&before={cursor}")),
        };
        var peak = server.PeakMemoryMiB();
        Console.WriteLine($"[{provider}] server peak memory (VmHWM): {peak:F0} MiB");
        rows.Add($"| {provider} | server peak memory | {peak:F0} MiB | | | |");
        return rows;
    }

    private static async Task<string> CursorOfPage(HttpClient http, long clientId, int page)
    {
        string? cursor = null;
        for (var i = 1; i < page; i++)
        {
            using var doc = JsonDocument.Parse(await Get(http, $"/api/clients/{clientId}/timeline?limit=50{(cursor is null ? "" : "&before=" + cursor)}"));
            cursor = doc.RootElement.GetProperty("nextCursor").GetString()
                ?? throw new InvalidOperationException($"The client has fewer than {page} pages.");
        }
        return cursor!;
    }

    private static async Task<List<long>> ClientIds(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await Get(http, "/api/clients?limit=1000"));
        return doc.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
    }

    private static async Task<string> Get(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task<double[]> Time(HttpClient http, int samples, Func<int, string> url)
    {
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Get(http, url(i));
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        return times;
    }

    private static string Row(DatabaseProvider provider, string name, double[] sorted) =>
        $"| {provider} | {name} | {P(sorted, 0.50):F1} | {P(sorted, 0.95):F1} | {P(sorted, 0.99):F1} | {sorted[^1]:F1} |";

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
