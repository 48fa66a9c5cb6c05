using System.Net.Http.Headers;
using Liaison.Server;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Liaison.Server.Features.Background;
using NodaTime;
using Npgsql;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// The real server in process (WebApplicationFactory) on a fresh database of one provider: a SQLite
/// file in a temporary directory, or a new database on the test run's PostgreSQL. Set up with an
/// owner and an API token, like a user's first run.
/// </summary>
/// <remarks>
/// Its time is <see cref="Time"/>, a fake clock: the domain's clock, every timer and poll interval of
/// the background queues and mailbox syncs, and their leases (so on PostgreSQL too, the lease clock
/// follows it). It follows the real time (<see cref="AppClock.Running"/>) or stands still
/// (<see cref="AppClock.Stopped"/>), and <c>app.Time.Advance(…)</c> moves it ahead at once, firing
/// whatever fell due. Pacing that measures the machine (webhook bursts, a parse's budget) stays on
/// the system clock. A test that advances the clock makes an app of its own: the shared ones are
/// shared by tests running at once.
/// </remarks>
public sealed class LiaisonApp : WebApplicationFactory<Program>
{
    private readonly string dataDirectory;
    private readonly string? postgresDatabase;
    private readonly string? connectionString;

    private readonly Action<IServiceCollection>? testServices;

    /// <param name="testServices">replaces services after the app registered its own (a test double of an adapter).</param>
    /// <param name="clock">whether its clock follows the real time or stands still until advanced.</param>
    public LiaisonApp(DatabaseProvider provider, Action<IServiceCollection>? testServices = null, AppClock clock = AppClock.Running)
    {
        Provider = provider;
        if (clock == AppClock.Stopped)
        {
            // On a whole second (PostgreSQL keeps microseconds), so times the app writes compare equal to the test's.
            Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        }
        else
        {
            var running = new RunningFakeTime(DateTimeOffset.UtcNow);
            Time = running;
            following = new RealTime(running);
        }
        this.testServices = testServices;
        dataDirectory = Directory.CreateTempSubdirectory("liaison-test-").FullName;
        if (provider == DatabaseProvider.Postgres)
        {
            postgresDatabase = "liaison_test_" + Guid.NewGuid().ToString("N")[..12];
            connectionString = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = postgresDatabase }.ToString();
        }
    }

    /// <summary>A second server on the same data directory and database as <paramref name="previous"/>, which then leaves them in place when disposed.</summary>
    private LiaisonApp(LiaisonApp previous, Action<IServiceCollection>? testServices)
    {
        // The same test doubles (a provider's fake API) after the restart, unless the test names others.
        this.testServices = testServices ?? previous.testServices;
        Provider = previous.Provider;
        dataDirectory = previous.dataDirectory;
        postgresDatabase = previous.postgresDatabase;
        connectionString = previous.connectionString;
        Token = previous.Token;
        OwnerMemberId = previous.OwnerMemberId;
        Time = previous.Time; // a restart does not turn the clock back
        following = previous.following;
        previous.ownsStorage = false;
        resuming = true;
    }

    private bool ownsStorage = true;
    private readonly bool resuming;

    /// <summary>
    /// The next run of this server (a restart): same data directory, database and owner token. Take it
    /// before disposing this one, then start it; the successor deletes the storage when it is disposed.
    /// </summary>
    /// <param name="testServices">the successor's own test doubles; without them, this one's are carried over.</param>
    public LiaisonApp Successor(Action<IServiceCollection>? testServices = null) => new(this, testServices);

    public DatabaseProvider Provider { get; }
    public string DataDirectory => dataDirectory;
    public string Token { get; private set; } = "";
    public long OwnerMemberId { get; private set; }

    /// <summary>The app's clock: <c>app.Time.Advance(…)</c> moves the domain's now, timers, backoffs and leases together.</summary>
    public FakeTimeProvider Time { get; }

    private readonly RealTime? following;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Liaison:DataDirectory"] = dataDirectory,
            ["Liaison:Database:Provider"] = Provider.ToString(),
            ["Liaison:Database:ConnectionString"] = connectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests of other features count the messages they send; acknowledgement tests turn it on (AcknowledgementsOn).
            ["Liaison:Acknowledgements:Send"] = "false",
        }));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<LeaseClock>(new AppLeaseClock(Time));
        });
        if (testServices is not null) builder.ConfigureTestServices(testServices);
    }

    /// <summary>Starts the host (migrating the database) and runs first-time setup.</summary>
    public async Task StartAsync()
    {
        if (resuming)
        {
            _ = Server;
            return;
        }
        if (postgresDatabase is not null) await TestPostgres.CreateDatabaseAsync(postgresDatabase);
        _ = Server; // builds and starts the host: migrations run here
        await using var scope = Services.CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<OwnerSetup>().RunAsync("owner@example.com", "correct horse battery", "Olga Owner", "Test workspace", default);
        OwnerMemberId = owner.Id;
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDb>();
        Token = (await AccountsApi.IssueTokenAsync(db, owner.Id, "tests", Instant.FromDateTimeOffset(Time.GetUtcNow()), default)).Token;
    }

    /// <summary>An HTTP client that calls the API as the owner.</summary>
    public HttpClient Api()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async Task<T> WithDb<T>(Func<LiaisonDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LiaisonDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!ownsStorage) return;
        following?.Dispose();
        if (postgresDatabase is not null) await TestPostgres.DropDatabaseAsync(postgresDatabase);
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }
}

public static class AcknowledgementsOn
{
    /// <summary>Test services that let the app send automatic acknowledgements (off in other tests).</summary>
    public static void Configure(IServiceCollection services) => services.PostConfigure<LiaisonOptions>(o => o.Acknowledgements.Send = true);
}

/// <summary>How the fake clock of a <see cref="LiaisonApp"/> moves when no test advances it.</summary>
public enum AppClock
{
    /// <summary>With the real time (for what waits on time passing, as a retry's backoff), ahead by whatever the test advanced it.</summary>
    Running,

    /// <summary>Not at all: every instant the app writes is one the test can name.</summary>
    Stopped,
}

/// <summary>
/// A fake clock that runs with the real one: it catches up with the real time that passed whenever it
/// is read, so two readings a few milliseconds apart differ as on the system clock (a timer tick alone
/// can lag by much more on a busy machine, and two versions saved in one tick would tie).
/// </summary>
internal sealed class RunningFakeTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly global::System.Diagnostics.Stopwatch since = global::System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan followed;
    private int catchingUp;

    public override DateTimeOffset GetUtcNow()
    {
        CatchUp();
        return base.GetUtcNow();
    }

    /// <summary>Advances by the real time passed since the last catch-up; timers that fall due run inside, so it is never re-entered.</summary>
    public void CatchUp()
    {
        if (Interlocked.Exchange(ref catchingUp, 1) == 1) return;
        try
        {
            var now = since.Elapsed;
            if (now > followed)
            {
                var step = now - followed;
                followed = now;
                Advance(step);
            }
        }
        finally
        {
            Volatile.Write(ref catchingUp, 0);
        }
    }
}

/// <summary>Catches a running fake clock up every few milliseconds, so its timers fire when nobody reads it.</summary>
internal sealed class RealTime(RunningFakeTime time) : IDisposable
{
    private readonly Timer ticker = new(_ => time.CatchUp(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));

    public void Dispose() => ticker.Dispose();
}
