using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Liaison.Server.Data;

public sealed class PostgresLiaisonDb(DbContextOptions<PostgresLiaisonDb> options) : LiaisonDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.UseNodaTime().MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}

/// <summary>Lets `dotnet ef migrations add --context PostgresLiaisonDb` build the model; no server is contacted.</summary>
internal sealed class PostgresLiaisonDbDesignFactory : IDesignTimeDbContextFactory<PostgresLiaisonDb>
{
    public PostgresLiaisonDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresLiaisonDb>();
        PostgresLiaisonDb.Configure(options, "Host=127.0.0.1;Database=liaison_design");
        return new PostgresLiaisonDb(options.Options);
    }
}
