using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace Liaison.Browser.Tests;

/// <summary>
/// The real server as a child process on a free port, with its own SQLite data directory, and one
/// headless Chromium. Playwright needs a real socket, so WebApplicationFactory won't do.
/// </summary>
public class LiaisonApp : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly StringBuilder log = new();
    private Process? server;
    private IPlaywright? playwright;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "liaison-browser-" + Guid.NewGuid().ToString("N")[..8]);
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;
    public string ServerLog { get { lock (log) return log.ToString(); } }

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private static string ServerDll => Path.Combine(AppContext.BaseDirectory, "Liaison.Server.dll");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(ScreenshotDirectory);
        await PrepareAsync();
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        server = Process.Start(StartInfo("--urls", BaseUrl)) ?? throw new InvalidOperationException("The server did not start.");
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await WaitUntilReadyAsync();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("LIAISON_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ChromiumArgs,
            Headless = true,
        });
    }

    /// <summary>Runs before the server starts, on the same data directory.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Runs a command of the server executable (setup, token create) and returns its stdout.</summary>
    protected async Task<string> RunCommandAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("The command did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`Liaison.Server {string.Join(' ', args)}` exited with {process.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    private ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["Liaison__DataDirectory"] = DataDirectory;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Browser tests count what appears on the timeline; automatic acknowledgements are tested on the server.
        info.Environment["Liaison__Acknowledgements__Send"] = "false";
        AddEnvironment(info.Environment);
        return info;
    }

    /// <summary>Settings of the server process (and its commands) beyond the data directory: a provider's fake API address.</summary>
    protected virtual void AddEnvironment(IDictionary<string, string?> environment) { }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server!.HasExited) throw new InvalidOperationException($"The server exited with {server.ExitCode}:\n{ServerLog}");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server was not ready within 60 s:\n{ServerLog}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        server?.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A server whose owner exists already (set up from the command line) and an API token for it.</summary>
public class SetUpLiaisonApp : LiaisonApp
{
    public const string OwnerEmail = "owner@example.com";
    public const string OwnerPassword = "a long enough passphrase";

    public string ApiToken { get; private set; } = "";

    protected override async Task PrepareAsync()
    {
        await RunCommandAsync("setup", "--owner-email", OwnerEmail, "--password", OwnerPassword, "--name", "Olga Owner", "--workspace", "Olga's studio");
        ApiToken = await RunCommandAsync("token", "create", "--name", "browser-test");
    }

    /// <summary>Opens <paramref name="path"/> in a new page, signs in as the owner on the login page it is sent to, and lands back on it.</summary>
    public async Task<IPage> SignedInPageAsync(string path)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GetByLabel("E-mail").FillAsync(OwnerEmail);
        await page.GetByLabel("Password").FillAsync(OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(path) + "$"));
        return page;
    }
}
