using Npgsql;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>The PostgreSQL server test.sh starts for the run (scripts/start-postgres.sh); tests make their own databases on it.</summary>
public static class TestPostgres
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("LIAISON_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "LIAISON_TEST_POSTGRES is not set. Run the tests through ./test.sh, or start a throwaway server with " +
                "`eval \"$(scripts/start-postgres.sh)\"` first: every data test runs on PostgreSQL as well as SQLite.");

    public static async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
