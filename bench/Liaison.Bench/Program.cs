using Liaison.Bench;
using Liaison.Testing;

// dotnet run -c Release --project bench/Liaison.Bench -- timeline [--provider sqlite|postgres|both] [--clients N] [--messages N]
// dotnet run -c Release --project bench/Liaison.Bench -- ingest [--provider sqlite|postgres|both] [--deliveries N] [--concurrency N] [--runs N]
// dotnet run -c Release --project bench/Liaison.Bench -- imap-sync [--provider sqlite|postgres|both] [--mails N] [--runs N] [--until messages|stored]
// dotnet run -c Release --project bench/Liaison.Bench -- mail-parse [--mails N] [--runs N]
// dotnet run -c Release --project bench/Liaison.Bench -- promise-preview [--provider sqlite|postgres|both] [--clients N] [--versions N]
var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
switch (args.FirstOrDefault())
{
    case "timeline":
        return await TimelineBenchmark.RunAsync(
            options.GetValueOrDefault("provider", "both"),
            int.Parse(options.GetValueOrDefault("clients", "1000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("messages", "100000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("samples", "300"), System.Globalization.CultureInfo.InvariantCulture));
    case "promise-preview":
        return await PromisePreviewBenchmark.RunAsync(
            options.GetValueOrDefault("provider", "both"),
            int.Parse(options.GetValueOrDefault("clients", "200"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("versions", "3"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("samples", "300"), System.Globalization.CultureInfo.InvariantCulture));
    case "ingest":
        return await IngestBenchmark.RunAsync(
            options.GetValueOrDefault("provider", "both"),
            int.Parse(options.GetValueOrDefault("deliveries", "50000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("concurrency", "64"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("runs", "3"), System.Globalization.CultureInfo.InvariantCulture));
    case "imap-sync":
        return await ImapSyncBenchmark.RunAsync(
            options.GetValueOrDefault("provider", "sqlite"),
            int.Parse(options.GetValueOrDefault("mails", "20000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("runs", "1"), System.Globalization.CultureInfo.InvariantCulture),
            options.GetValueOrDefault("until", "messages") == "stored");
    case "mail-parse":
        return MailParseBenchmark.Run(
            int.Parse(options.GetValueOrDefault("mails", "5000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("runs", "3"), System.Globalization.CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: Liaison.Bench timeline [--provider sqlite|postgres|both] [--clients 1000] [--messages 100000] [--samples 300]");
        Console.Error.WriteLine("       Liaison.Bench ingest [--provider sqlite|postgres|both] [--deliveries 50000] [--concurrency 64] [--runs 3]");
        Console.Error.WriteLine("       Liaison.Bench imap-sync [--provider sqlite|postgres|both] [--mails 20000] [--runs 1] [--until messages|stored]");
        Console.Error.WriteLine("       Liaison.Bench mail-parse [--mails 5000] [--runs 3]");
        Console.Error.WriteLine("       Liaison.Bench promise-preview [--provider sqlite|postgres|both] [--clients 200] [--versions 3] [--samples 300]");
        return 2;
}
