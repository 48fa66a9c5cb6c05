using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Liaison.Testing;

/// <summary>
/// The real Liaison server as a child process on a loopback port, as a user runs it: for tests that
/// kill it, and for benchmarks that measure it from outside. Its dll is copied next to the caller's.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int Pid => process.Id;
    public bool HasExited => process.HasExited;

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "Liaison.Server.dll");

    /// <summary>Runs a server command (setup, token create) to completion and returns its standard output.</summary>
    public static async Task<string> RunCommandAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = Start(environment, args);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"Liaison.Server {string.Join(' ', args)} failed: {error}");
        return output.Trim();
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var process = Process.Start(Start(environment, "--urls", address.ToString()))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited) throw new InvalidOperationException("The server exited while starting.");
            try
            {
                if ((await http.GetAsync(new Uri(address, "/health/ready"))).IsSuccessStatusCode) return new ServerProcess(process, address);
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The server did not become ready in 60 s.");
    }

    /// <summary>Ends the process at once, as a crash or a power cut would: SIGKILL, no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Peak resident memory of the server so far (VmHWM), in MiB.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>CPU time (user + system, all threads) the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static ProcessStartInfo Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
