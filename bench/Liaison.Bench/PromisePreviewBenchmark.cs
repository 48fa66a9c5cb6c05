using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Server;

using Liaison.Testing;

namespace Liaison.Bench;

/// <summary>
/// Starts the real server, gives clients agreements of several versions, and times
/// GET /api/clients/{id}/promise-preview over loopback (load the versions, compile the one in force,
/// compute the promise, write the acknowledgement in four languages). Times are measured at the
/// caller, as in <see cref="TimelineBenchmark"/>: an upper bound on server time.
/// </summary>
public static class PromisePreviewBenchmark
{
    private static readonly string[] Channels = ["email", "telegram", "whatsapp", "phone"];

    public static async Task<int> RunAsync(string provider, int clients, int versions, int samples)
    {
        var providers = provider == "both" ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres]
            : new[] { Enum.Parse<DatabaseProvider>(provider, ignoreCase: true) };
        Console.WriteLine($"Promise-preview benchmark: {clients:N0} clients with {versions} agreement versions each, {samples} samples per figure, {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var p in providers) rows.AddRange(await RunOneAsync(p, clients, versions, samples));
        Console.WriteLine();
        Console.WriteLine("| provider | request | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }

    private static async Task<List<string>> RunOneAsync(DatabaseProvider provider, int clientCount, int versionCount, int samples)
    {
        await using var database = await TestDatabase.CreateAsync(provider, "liaison_bench_");
        var environment = database.Environment;
        Console.WriteLine($"[{provider}] setting up...");
        await ServerProcess.RunCommandAsync(environment, "setup", "--owner-email", "bench@example.com", "--password", "benchmark password");
        var token = await ServerProcess.RunCommandAsync(environment, "token", "create", "--name", "bench");
        await using var server = await ServerProcess.StartAsync(environment);
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var fill = Stopwatch.StartNew();
        var withAgreement = new List<long>();
        for (var c = 0; c < clientCount; c++)
        {
            var id = await CreateClientAsync(http, $"Bench client {c}");
            var terms = (await GetJsonAsync(http, $"/api/clients/{id}/agreement"))["terms"]!;
            for (var v = 0; v < versionCount; v++)
            {
                // Each version ends Friday an hour earlier, so every one differs from the last.
                terms["workingHours"]!["friday"]![0]!["end"] = $"{17 - v % 6:00}:00:00";
                using var put = await http.PutAsJsonAsync($"/api/clients/{id}/agreement", new { terms });
                put.EnsureSuccessStatusCode();
            }
            withAgreement.Add(id);
        }
        var templateOnly = await CreateClientAsync(http, "Bench client without agreement");
        Console.WriteLine($"[{provider}] {clientCount:N0} clients × {versionCount} versions stored in {fill.Elapsed.TotalSeconds:F1} s");

        var random = new Random(7);
        string Url(long id) =>
            $"/api/clients/{id}/promise-preview?receivedAt={Uri.EscapeDataString(ReceivedAt(random))}&channel={Channels[random.Next(Channels.Length)]}&urgency={(random.Next(5) == 0 ? "urgent" : "normal")}";
        for (var i = 0; i < 30; i++) await GetAsync(http, Url(withAgreement[random.Next(withAgreement.Count)]));

        var rows = new List<string>
        {
            Row(provider, $"promise-preview, random client ({versionCount} versions)", await TimeAsync(http, samples, () => Url(withAgreement[random.Next(withAgreement.Count)]))),
            Row(provider, "promise-preview, client on the template", await TimeAsync(http, samples, () => Url(templateOnly))),
            Row(provider, "agreement GET (current version + diff)", await TimeAsync(http, samples, () => $"/api/clients/{withAgreement[random.Next(withAgreement.Count)]}/agreement")),
        };
        var peak = server.PeakMemoryMiB();
        rows.Add($"| {provider} | server peak memory | {peak:F0} MiB | | | |");
        return rows;
    }

    // Any minute from a day ago to a month ahead: mostly under the newest version, some before the first.
    private static string ReceivedAt(Random random) =>
        DateTimeOffset.UtcNow.AddMinutes(random.Next(-24 * 60, 30 * 24 * 60)).ToString("yyyy-MM-ddTHH:mm:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<long> CreateClientAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync("/api/clients", new { name });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string url) => JsonNode.Parse(await GetAsync(http, url))!;

    private static async Task<string> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task<double[]> TimeAsync(HttpClient http, int samples, Func<string> url)
    {
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var next = url();
            var started = Stopwatch.GetTimestamp();
            await GetAsync(http, next);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        return times;
    }

    private static string Row(DatabaseProvider provider, string name, double[] sorted) =>
        $"| {provider} | {name} | {P(sorted, 0.50):F1} | {P(sorted, 0.95):F1} | {P(sorted, 0.99):F1} | {sorted[^1]:F1} |";

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
