using Liaison.Server.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using NodaTime;

namespace Liaison.Server.Features.Background;

/// <summary>
/// The clock the background queues read their claim, lease and due times from. Two instances that
/// share a database must agree on it, or an instance whose clock runs ahead sees another's lease as
/// expired and takes its work while it is still being done.
/// </summary>
/// <remarks>
/// Why a clock of its own rather than SQL's <c>clock_timestamp()</c> in every statement: the times
/// it gives are written by EF updates too (a failed delivery's next attempt, a renewed lease), and
/// the server tests drive expiry with a fake clock — they register an <see cref="AppLeaseClock"/>
/// over it, while a running server on PostgreSQL reads the database's.
/// </remarks>
public abstract class LeaseClock
{
    public abstract ValueTask<Instant> NowAsync(CancellationToken ct);

    /// <summary>The database's clock on PostgreSQL, the process's on SQLite.</summary>
    public static void Register(IServiceCollection services) => services.TryAddSingleton<LeaseClock>(sp =>
    {
        var options = sp.GetRequiredService<IOptions<LiaisonOptions>>().Value;
        var time = sp.GetRequiredService<TimeProvider>();
        return options.Database.Provider == DatabaseProvider.Postgres
            ? new DatabaseLeaseClock(DataServices.ConnectionString(options), time)
            : new AppLeaseClock(time);
    });
}

/// <summary>
/// The process's own <see cref="TimeProvider"/>. Right where no other process can hold a lease
/// (SQLite: one server per data directory, held by its lock file), and for tests on a fake clock.
/// </summary>
public sealed class AppLeaseClock(TimeProvider time) : LeaseClock
{
    public override ValueTask<Instant> NowAsync(CancellationToken ct) => ValueTask.FromResult(Instant.FromDateTimeOffset(time.GetUtcNow()));
}

/// <summary>
/// PostgreSQL's clock, so that instances with skewed clocks cannot shorten each other's leases: the
/// database's <c>clock_timestamp()</c> read now and then, and between readings carried forward by the
/// <see cref="TimeProvider"/>'s monotonic timestamp (which an NTP step or a wrong wall clock does
/// not move). A reading costs one round trip every <see cref="ReadEvery"/>, not one per claim on the
/// ingest path; it is off by at most half that round trip and the timestamp's drift since.
/// </summary>
public sealed class DatabaseLeaseClock(NpgsqlDataSource database, TimeProvider time) : LeaseClock, IAsyncDisposable
{
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim reading = new(1, 1);
    private Reading? last;

    private sealed record Reading(Instant DatabaseTime, long Timestamp);

    public DatabaseLeaseClock(string connectionString, TimeProvider time) : this(NpgsqlDataSource.Create(connectionString), time) { }

    public override async ValueTask<Instant> NowAsync(CancellationToken ct)
    {
        if (Fresh(Volatile.Read(ref last)) is { } now) return now;
        await reading.WaitAsync(ct);
        try
        {
            if (Fresh(last) is { } meanwhile) return meanwhile;
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var read = new NpgsqlCommand("SELECT clock_timestamp()", connection);
            var sent = time.GetTimestamp();
            var at = (DateTime)(await read.ExecuteScalarAsync(ct))!;
            var received = time.GetTimestamp();
            var halfTrip = time.GetElapsedTime(sent, received) / 2;
            Volatile.Write(ref last, new Reading(Instant.FromDateTimeUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc)) + Duration.FromTimeSpan(halfTrip), received));
            return Fresh(last)!.Value;
        }
        finally
        {
            reading.Release();
        }
    }

    private Instant? Fresh(Reading? reading)
    {
        if (reading is null) return null;
        var since = time.GetElapsedTime(reading.Timestamp);
        return since < ReadEvery ? reading.DatabaseTime + Duration.FromTimeSpan(since) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        reading.Dispose();
    }
}
