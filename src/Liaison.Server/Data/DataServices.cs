using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Data;

public static class DataServices
{
    /// <summary>
    /// Registers <see cref="LiaisonDb"/> (scoped, for endpoints) and <see cref="IDbContextFactory{LiaisonDb}"/>
    /// (for Blazor components and background work) on the configured provider.
    /// </summary>
    public static IServiceCollection AddLiaisonData(this IServiceCollection services)
    {
        // Options are read when the first context is made, not here: configuration added later
        // (environment, command line, a test host) must still decide the provider and connection.
        // Interceptors features register (IInterceptor singletons) watch every context, as promises made being announced after commit.
        services.AddPooledDbContextFactory<SqliteLiaisonDb>((sp, o) =>
            SqliteLiaisonDb.Configure(o.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()),
                Options(sp).Database.ConnectionString ?? DefaultSqlite(Options(sp))));
        services.AddPooledDbContextFactory<PostgresLiaisonDb>((sp, o) =>
            PostgresLiaisonDb.Configure(o.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()), Options(sp).Database.ConnectionString
                ?? throw new InvalidOperationException("Liaison:Database:ConnectionString is required when Liaison:Database:Provider is Postgres.")));
        services.AddSingleton<IDbContextFactory<LiaisonDb>>(sp => Options(sp).Database.Provider == DatabaseProvider.Postgres
            ? new Factory<PostgresLiaisonDb>(sp.GetRequiredService<IDbContextFactory<PostgresLiaisonDb>>())
            : new Factory<SqliteLiaisonDb>(sp.GetRequiredService<IDbContextFactory<SqliteLiaisonDb>>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LiaisonDb>>().CreateDbContext());
        return services;
    }

    private static LiaisonOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<LiaisonOptions>>().Value;

    /// <summary>Brings the schema up to date; safe on every start, on both providers.</summary>
    public static async Task MigrateLiaisonDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var options = Options(services);
        PrivateFiles.Tighten(options.FullDataDirectory);
        await using var db = await services.GetRequiredService<IDbContextFactory<LiaisonDb>>().CreateDbContextAsync(ct);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets the UI read while a writer commits; it is a property of the file, set once.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var unknown = (await db.Database.GetAppliedMigrationsAsync(ct)).Except(db.Database.GetMigrations()).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException(
                $"The database was created by another version of Liaison: it has migration {unknown[0]}, which this version does not know. " +
                "Development builds before the first release squashed their migrations into one: recreate a development database " +
                $"(stop the server, move {options.FullDataDirectory} aside, start again) or run the version that created it.");
        await db.Database.MigrateAsync(ct);
        await Features.Calendar.CalendarsFromAgreements.MoveAsync(db, services.GetRequiredService<NodaTime.IClock>().GetCurrentInstant(), ct);
        if (db.Provider == DatabaseProvider.Sqlite && new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource is { Length: > 0 } file)
        {
            // SQLite creates its file with the umask's mode; its -wal and -shm take the database's from then on.
            foreach (var suffix in new[] { "", "-wal", "-shm" }) PrivateFiles.TightenFile(Path.GetFullPath(file + suffix));
        }
    }

    /// <summary>The connection string in force, for code that talks to the database without EF (the delivery writer).</summary>
    public static string ConnectionString(LiaisonOptions options) => options.Database.ConnectionString ?? DefaultSqlite(options);

    private static string DefaultSqlite(LiaisonOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(options.FullDataDirectory, "liaison.db"),
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private sealed class Factory<T>(IDbContextFactory<T> inner) : IDbContextFactory<LiaisonDb> where T : LiaisonDb
    {
        public LiaisonDb CreateDbContext() => inner.CreateDbContext();
    }
}
