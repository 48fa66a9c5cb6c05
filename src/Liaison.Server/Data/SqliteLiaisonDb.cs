using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using NodaTime;

namespace Liaison.Server.Data;

public sealed class SqliteLiaisonDb(DbContextOptions<SqliteLiaisonDb> options) : LiaisonDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<Instant>().HaveConversion<InstantTicksConverter>();
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}

/// <summary>Lets `dotnet ef migrations add --context SqliteLiaisonDb` build the model without the host.</summary>
internal sealed class SqliteLiaisonDbDesignFactory : IDesignTimeDbContextFactory<SqliteLiaisonDb>
{
    public SqliteLiaisonDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteLiaisonDb>();
        SqliteLiaisonDb.Configure(options, "Data Source=design-time.db");
        return new SqliteLiaisonDb(options.Options);
    }
}
