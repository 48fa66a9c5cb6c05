using System.Diagnostics;
using Liaison.Channels.Email;
using Liaison.Core.Inbound;

namespace Liaison.Bench;

/// <summary>
/// The CPU side of processing a mailbox, without I/O: the imap-sync benchmark's mails read by the
/// e-mail adapter on one thread (MIME parse, charsets, text from HTML, sanitising), and the
/// sanitiser alone on the same HTML, so its share is visible.
/// </summary>
public static class MailParseBenchmark
{
    public static int Run(int count, int runs)
    {
        var mails = ImapSyncBenchmark.Mails(count, "owner@example.com").ToList();
        var settings = new ChannelSettings(new Dictionary<string, string> { ["address"] = "owner@example.com" });
        var adapter = new EmailAdapter();
        var htmls = new List<string>();
        foreach (var mail in mails.Take(200))
            if (adapter.Parse(mail, settings).OfType<InboundMessage>().Single().Html is { } html) htmls.Add(html);
        Console.WriteLine($"Mail parse benchmark: {count:N0} mails, {mails.Sum(m => m.Length) / 1048576.0:N0} MiB, one thread, {runs} runs");
        for (var run = 1; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var mail in mails)
            {
                using var stream = new MemoryStream(mail, writable: false);
                adapter.Parse(stream, settings);
            }
            var parse = watch.Elapsed.TotalSeconds;
            watch.Restart();
            // As processing reads a payload kept in its row: attachments decoded into memory.
            foreach (var mail in mails) adapter.Parse(mail, settings);
            var inRow = watch.Elapsed.TotalSeconds;
            watch.Restart();
            Parallel.ForEach(mails, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, mail => adapter.Parse(mail, settings));
            var parallel = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var sanitised = 0;
            while (watch.Elapsed.TotalSeconds < 2)
            {
                Liaison.Html.SafeHtml.Prepare(htmls[sanitised % htmls.Count], withText: false);
                sanitised++;
            }
            var perSanitise = watch.Elapsed.TotalMilliseconds / sanitised;
            Console.WriteLine($"run {run}: {count / parse:N0} mails/s parsed from a stream ({parse * 1000 / count:F3} ms each), {count / inRow:N0}/s from a row ({inRow * 1000 / count:F3} ms), {count / parallel:N0}/s on {Environment.ProcessorCount} threads; "
                + $"sanitising one HTML body {perSanitise:F3} ms ({htmls.Count * 1.0 / 200:P0} of mails have HTML)");
        }
        return 0;
    }
}
