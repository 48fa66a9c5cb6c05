using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using MailKit;
using MimeKit;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Bench;

/// <summary>
/// Initial sync of a large mailbox: N realistic mails (en/pl/ru/bg, ~500 senders of whom 200 are
/// known contacts, one in ten with a 20–200 KB attachment) dropped into the harness Dovecot's
/// Maildir; then, in the same run, mbsync (isync) pulling it to a Maildir, and Liaison's initial sync
/// (the real server process) until every mail is a processed delivery and a message.
/// </summary>
public static class ImapSyncBenchmark
{
    private const int Senders = 500;
    private const int KnownSenders = 200;

    /// <param name="runs">runs of each contender, alternating; the table shows medians.</param>
    /// <param name="untilStored">stop when every mail is stored, with processing switched off: storing alone, to see where the time goes.</param>
    public static async Task<int> RunAsync(string provider, int count, int runs, bool untilStored)
    {
        var providers = provider == "both" ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres]
            : new[] { Enum.Parse<DatabaseProvider>(provider, ignoreCase: true) };
        var mail = new MailServers();
        await mail.InitializeAsync();
        try
        {
            var address = mail.NewMailbox("bench");
            var generated = Stopwatch.StartNew();
            var bytes = await mail.DropIntoInboxAsync(address, Mails(count, address));
            Console.WriteLine($"IMAP sync benchmark: {count:N0} mails, {bytes / 1048576.0:N0} MiB, generated in {generated.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");
            // Dovecot indexes a Maildir on its first SELECT; done here once so that neither contender pays it.
            var warm = Stopwatch.StartNew();
            using (var imap = await mail.OpenImapAsync(address))
            {
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Envelope);
                await imap.DisconnectAsync(true);
            }
            Console.WriteLine($"Dovecot indexed the mailbox in {warm.Elapsed.TotalSeconds:F1} s (not counted)");

            var rows = new List<string>();
            foreach (var p in providers)
            {
                var mbsyncs = new List<double>();
                var liaisons = new List<(double Processed, double Stored, double PeakMiB)>();
                for (var run = 1; run <= runs; run++)
                {
                    // Alternating, in one run: the machine's noise falls on both contenders alike.
                    mbsyncs.Add(await MbsyncAsync(mail, address, count));
                    liaisons.Add(await LiaisonAsync(mail, address, count, p, untilStored));
                    Console.WriteLine($"[{p}] run {run}: mbsync {mbsyncs[^1]:F1} s; Liaison stored in {liaisons[^1].Stored:F1} s, "
                        + (untilStored ? "" : $"all processed in {liaisons[^1].Processed:F1} s, ") + $"peak {liaisons[^1].PeakMiB:F0} MiB; ratio {liaisons[^1].Processed / mbsyncs[^1]:F2}");
                }
                var ratios = liaisons.Select((l, i) => l.Processed / mbsyncs[i]).ToList();
                rows.Add($"| {p} | {count:N0} | {bytes / 1048576.0:N0} MiB | {Median(mbsyncs):F1} s | {Median(liaisons.Select(l => l.Stored)):F1} s | "
                    + (untilStored ? "(not processed)" : $"{Median(liaisons.Select(l => l.Processed)):F1} s") + $" | {Median(ratios):F2} | {Median(liaisons.Select(l => l.PeakMiB)):F0} MiB |");
            }
            Console.WriteLine();
            Console.WriteLine("| provider | mails | size | mbsync | Liaison: all stored | Liaison: all messages | ratio | Liaison peak memory |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var row in rows) Console.WriteLine(row);
            return 0;
        }
        finally
        {
            await mail.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<double> MbsyncAsync(MailServers mail, string address, int count)
    {
        var dir = Directory.CreateTempSubdirectory("liaison-mbsync-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "mail")); // mbsync creates folders, not its store's root
            var config = Path.Combine(dir, "mbsyncrc");
            await File.WriteAllTextAsync(config, $"""
                IMAPAccount bench
                Host 127.0.0.1
                Port {mail.ImapPort}
                User {address}
                Pass {MailServers.Password}
                SSLType None
                AuthMechs LOGIN PLAIN

                IMAPStore remote
                Account bench

                MaildirStore local
                Path {dir}/mail/
                Inbox {dir}/mail/INBOX

                Channel bench
                Far :remote:
                Near :local:
                Patterns INBOX
                Create Near
                Sync Pull
                SyncState *
                """);
            var watch = Stopwatch.StartNew();
            var start = new ProcessStartInfo("mbsync", ["-q", "-c", config, "bench"]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            if (process.ExitCode != 0) throw new InvalidOperationException($"mbsync exited with {process.ExitCode}: {await error}");
            var pulled = Directory.EnumerateFiles(Path.Combine(dir, "mail", "INBOX"), "*", SearchOption.AllDirectories).Count(f => !f.Contains(".mbsyncstate") && !f.Contains(".uidvalidity"));
            if (pulled != count) throw new InvalidOperationException($"mbsync pulled {pulled} of {count}: {await error}");
            return seconds;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(double Processed, double Stored, double PeakMiB)> LiaisonAsync(MailServers mail, string address, int count, DatabaseProvider provider, bool untilStored)
    {
        await using var database = await TestDatabase.CreateAsync(provider, "liaison_imap_");
        var environment = new Dictionary<string, string>(database.Environment);
        if (untilStored) environment["Liaison__Inbound__Process"] = "false";
        await ServerProcess.RunCommandAsync(environment, "setup", "--owner-email", "bench@example.com", "--password", "benchmark password");
        var token = await ServerProcess.RunCommandAsync(environment, "token", "create", "--name", "bench");
        await using var server = await ServerProcess.StartAsync(environment);
        using var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < KnownSenders; i++)
        {
            var client = await api.PostAsJsonAsync("/api/clients", new { name = $"Client {i}" });
            var clientId = (await client.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
            var contact = await api.PostAsJsonAsync($"/api/clients/{clientId}/contacts",
                new { name = $"Contact {i}", identities = new[] { new { kind = "email", address = SenderAddress(i) } } });
            contact.EnsureSuccessStatusCode();
        }

        var settings = new Dictionary<string, string>(mail.SettingsFor(address).Values) { ["folders"] = "INBOX" };
        var cpuBefore = server.CpuTime();
        var watch = Stopwatch.StartNew();
        var created = await api.PostAsJsonAsync("/api/channels", new { kind = "email", name = "bench", settings });
        created.EnsureSuccessStatusCode();
        double? stored = null;
        var lastReport = 0.0;
        while (true)
        {
            await Task.Delay(100);
            await using var db = database.Open();
            var deliveries = await db.InboundDeliveries.CountAsync();
            var processed = await db.InboundDeliveries.CountAsync(d => d.State == DeliveryProcessing.Processed);
            var messages = await db.Messages.CountAsync();
            if (stored is null && deliveries == count) stored = watch.Elapsed.TotalSeconds;
            if (untilStored && stored is not null) break;
            if (processed == count && messages == count) break;
            if (watch.Elapsed.TotalSeconds - lastReport >= 10)
            {
                lastReport = watch.Elapsed.TotalSeconds;
                Console.WriteLine($"  [{provider}] {lastReport:F0} s: {deliveries:N0} stored, {processed:N0} processed, {messages:N0} messages, {server.PeakMemoryMiB():F0} MiB peak");
            }
            if (watch.Elapsed > TimeSpan.FromMinutes(30) || server.HasExited) throw new TimeoutException($"Liaison did not finish: {deliveries} stored, {processed} processed, {messages} messages.");
        }
        Console.WriteLine($"  [{provider}] server CPU time {(server.CpuTime() - cpuBefore).TotalSeconds:F1} s over {watch.Elapsed.TotalSeconds:F1} s");
        return (watch.Elapsed.TotalSeconds, stored ?? watch.Elapsed.TotalSeconds, server.PeakMemoryMiB());
    }

    private static string SenderAddress(int sender) => $"sender{sender:D3}@client{sender % 37}.test";

    /// <summary>Mails as clients write them: plain or plain+HTML, 2–40 paragraphs, a third of them replies, every tenth with an attachment; deterministic.</summary>
    internal static IEnumerable<byte[]> Mails(int count, string to)
    {
        var random = new Random(7);
        var start = new DateTimeOffset(2025, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var subjects = new[] { "Offer", "Invoice", "Contract", "Logo", "Texts for the website", "Oferta", "Faktura", "Umowa", "Счёт", "Договор", "Макет", "Фактура", "Договор за поддръжка" };
        var earlier = new List<(string Id, string Subject)>();
        for (var i = 0; i < count; i++)
        {
            var sender = random.Next(Senders);
            var language = sender % 4;
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress($"{Pick(DataGenerator.FirstNames[language], random)} {Pick(DataGenerator.LastNames[language], random)}", SenderAddress(sender)));
            message.To.Add(new MailboxAddress("Owner", to));
            message.Date = start.AddMinutes(i * 20 + random.Next(20));
            message.MessageId = $"bench.{i}.{random.Next():x}@client{sender % 37}.test";
            if (earlier.Count > 0 && random.Next(3) == 0)
            {
                var parent = earlier[random.Next(earlier.Count)];
                message.Subject = "Re: " + parent.Subject;
                message.InReplyTo = parent.Id;
                message.References.Add(parent.Id);
            }
            else
            {
                message.Subject = $"{subjects[random.Next(subjects.Length)]} {random.Next(1, 400)}";
            }
            earlier.Add((message.MessageId, message.Subject));
            var text = new StringBuilder();
            for (int p = 0, paragraphs = random.Next(2, 40); p < paragraphs; p++)
            {
                for (int s = 0, sentences = random.Next(3, 10); s < sentences; s++) text.Append(Pick(DataGenerator.Sentences[language], random)).Append(' ');
                text.Append("\n\n");
            }
            var body = new BodyBuilder { TextBody = text.ToString() };
            if (random.Next(3) > 0)
                body.HtmlBody = "<html><body>" + string.Concat(text.ToString().Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(p => $"<p style=\"font-family:Arial\">{System.Net.WebUtility.HtmlEncode(p)}</p>")) + "</body></html>";
            if (i % 10 == 0)
            {
                var attachment = new byte[random.Next(20_000, 200_001)];
                random.NextBytes(attachment);
                body.Attachments.Add($"document-{i}.pdf", attachment, new ContentType("application", "pdf"));
            }
            message.Body = body.ToMessageBody();
            using var stream = new MemoryStream();
            message.WriteTo(FormatOptions.Default, stream);
            yield return stream.ToArray();
        }
    }

    private static string Pick(string[] values, Random random) => values[random.Next(values.Length)];
}
