namespace Liaison.Server.Data;

/// <summary>
/// One server process per SQLite data directory. A second server on the same files would not fail:
/// it would take over the first one's delivery leases and mailbox syncs and both would write, so it is
/// refused at start with a sentence saying why. The lock is the operating system's (an exclusive
/// advisory lock on <c>server.lock</c>, which .NET takes for <see cref="FileShare.None"/>), so a
/// crashed server never leaves a stale lock behind. Command-line commands (<c>setup</c>,
/// <c>token create</c>) do not take it: they are meant to run beside a running server.
/// PostgreSQL is made for several instances and takes no lock.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "server.lock";

    private readonly FileStream? file;

    private DataDirectoryLock(FileStream? file) => this.file = file;

    /// <summary>
    /// Takes the lock for <paramref name="app"/>'s lifetime, or says on standard error why it can't. It is
    /// released when the host stops, not when Main returns, so a restart in the same process (tests) can follow at once.
    /// </summary>
    public static async Task<bool> TakeForAsync(WebApplication app)
    {
        var taken = TryTake(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LiaisonOptions>>().Value, out var refusal);
        if (taken is null)
        {
            await Console.Error.WriteLineAsync(refusal);
            return false;
        }
        app.Lifetime.ApplicationStopped.Register(taken.Dispose);
        return true;
    }

    /// <summary>Takes the lock for a server on SQLite; null with the reason when another server holds it.</summary>
    public static DataDirectoryLock? TryTake(LiaisonOptions options, out string? refusal)
    {
        refusal = null;
        if (options.Database.Provider != DatabaseProvider.Sqlite) return new DataDirectoryLock(null);
        var directory = options.FullDataDirectory;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write(Environment.ProcessId);
            file.Flush(flushToDisk: false);
            return new DataDirectoryLock(file);
        }
        catch (IOException)
        {
            var holder = ReadHolder(path);
            refusal = $"Another Liaison server{(holder is null ? "" : $" (process {holder})")} is already running on the data directory {directory}. " +
                      "Stop it first, or give this server a data directory of its own (Liaison:DataDirectory). " +
                      "Several servers can share one database on PostgreSQL (Liaison:Database:Provider=Postgres).";
            return null;
        }
    }

    private static string? ReadHolder(string path)
    {
        try
        {
            using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(read);
            var text = reader.ReadToEnd().Trim();
            return text.Length is > 0 and < 12 && text.All(char.IsAsciiDigit) ? text : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => file?.Dispose();
}
