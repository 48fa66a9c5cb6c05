using Liaison.Server;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Testing;

/// <summary>
/// A fresh database for a server started as a process: a SQLite file in the data directory, or a new
/// database on the run's PostgreSQL (LIAISON_TEST_POSTGRES). Gives the environment that points the
/// server at it, and opens it directly to check what the server stored.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? postgresDatabase;

    private TestDatabase(DatabaseProvider provider, string dataDirectory, string connectionString, string? postgresDatabase)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        this.postgresDatabase = postgresDatabase;
    }

    public DatabaseProvider Provider { get; }
    public string DataDirectory { get; }
    public string ConnectionString { get; }

    public Dictionary<string, string> Environment => new()
    {
        ["Liaison__DataDirectory"] = DataDirectory,
        ["Liaison__Database__Provider"] = Provider.ToString(),
        ["Liaison__Database__ConnectionString"] = ConnectionString,
    };

    public static string PostgresServer =>
        System.Environment.GetEnvironmentVariable("LIAISON_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("LIAISON_TEST_POSTGRES is not set: run through ./test.sh, or eval \"$(scripts/start-postgres.sh)\" first.");

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, string prefix = "liaison_proc_")
    {
        var dataDirectory = Directory.CreateTempSubdirectory("liaison-proc-").FullName;
        if (provider == DatabaseProvider.Sqlite)
            return new TestDatabase(provider, dataDirectory, $"Data Source={Path.Combine(dataDirectory, "liaison.db")};Pooling=true", null);
        var name = prefix + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new TestDatabase(provider, dataDirectory, new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ToString(), name);
    }

    public LiaisonDb Open() => Open(Provider, ConnectionString);

    public static LiaisonDb Open(DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var pg = new DbContextOptionsBuilder<PostgresLiaisonDb>();
            PostgresLiaisonDb.Configure(pg, connectionString);
            return new PostgresLiaisonDb(pg.Options);
        }
        var sqlite = new DbContextOptionsBuilder<SqliteLiaisonDb>();
        SqliteLiaisonDb.Configure(sqlite, connectionString);
        return new SqliteLiaisonDb(sqlite.Options);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
