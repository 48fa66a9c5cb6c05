using Liaison.Core;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server;

/// <summary>
/// The server executable's commands for automation: `setup --owner-email E --password P` for a
/// non-interactive first run, `token create --name N` to print a new API token once.
/// </summary>
public static class CommandLine
{
    private const string Usage = """
        Usage:
          Liaison.Server                                        run the server
          Liaison.Server setup --owner-email E --password P [--name "Display name"] [--workspace "Name"]
          Liaison.Server token create --name N [--owner-email E]
        """;

    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "setup", "token", "help", "--help", "-h" };

    /// <summary>
    /// True when the arguments name a command rather than configure the server: a first argument
    /// that is a bare word ("setup", or a typo of it) is a command, since configuration arguments
    /// are "--key value", "--key=value", "/key value" or "key=value". An unknown word must not start
    /// the web server as if nothing was asked.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Commands.Contains(args[0]) || (!args[0].StartsWith('-') && !args[0].StartsWith('/') && !args[0].Contains('=')));

    /// <summary>The arguments the web host should see: a command's own options are not configuration.</summary>
    public static string[] HostArguments(string[] args) => IsCommand(args) ? [] : args;

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!Commands.Contains(args[0]))
        {
            await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'.\n{Usage}");
            return 2;
        }
        var options = Options(args);
        try
        {
            await app.Services.MigrateLiaisonDatabaseAsync();
            await using var scope = app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            switch (args)
            {
                case ["setup", ..] when options.TryGetValue("owner-email", out var email) && options.TryGetValue("password", out var password):
                    var owner = await services.GetRequiredService<OwnerSetup>().RunAsync(email, password, options.GetValueOrDefault("name"), options.GetValueOrDefault("workspace"), default);
                    Console.WriteLine($"Set up: owner {owner.Email}. Open the server and sign in.");
                    return 0;
                case ["token", "create", ..] when options.TryGetValue("name", out var name):
                    var db = services.GetRequiredService<LiaisonDb>();
                    var memberQuery = db.Members.AsNoTracking();
                    var member = options.TryGetValue("owner-email", out var who)
                        ? await memberQuery.FirstOrDefaultAsync(m => m.Email == who.Trim().ToLowerInvariant())
                        : await memberQuery.OrderBy(m => m.Id).FirstOrDefaultAsync();
                    if (member is null)
                    {
                        await Console.Error.WriteLineAsync(who is null ? "Liaison is not set up yet: run `setup` first." : $"No member has the e-mail {who}.");
                        return 1;
                    }
                    var issued = await AccountsApi.IssueTokenAsync(db, member.Id, name, services.GetRequiredService<IClock>().GetCurrentInstant(), default);
                    // The token alone on stdout, so scripts can capture it: TOKEN=$(Liaison.Server token create --name ci)
                    Console.WriteLine(issued.Token);
                    await Console.Error.WriteLineAsync($"Token '{issued.Name}' for {member.Email}. It is shown once; store it now.");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return args is ["help" or "--help" or "-h"] ? 0 : 2;
            }
        }
        catch (DomainRuleException e)
        {
            await Console.Error.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i].StartsWith("--", StringComparison.Ordinal)) options[args[i][2..]] = args[++i];
        return options;
    }
}
