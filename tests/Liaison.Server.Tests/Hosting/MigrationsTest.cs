using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Liaison.Server.Tests.Hosting;

public class MigrationsTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Model_HasNoChangesMissingFromTheMigrations(DatabaseProvider provider)
    {
        await using var app = new LiaisonApp(provider);
        await app.StartAsync();
        var pending = await app.WithDb(db => Task.FromResult(db.Database.HasPendingModelChanges()));
        Assert.False(pending, "the model differs from the last migration: run scripts/add-migration.sh Name");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Database_IsAtTheLastMigrationAfterStart(DatabaseProvider provider)
    {
        await using var app = new LiaisonApp(provider);
        await app.StartAsync();
        var (applied, known) = await app.WithDb(async db => ((await db.Database.GetAppliedMigrationsAsync()).ToList(), db.Database.GetMigrations().ToList()));
        Assert.Equal(known, applied);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DatabaseWithAMigrationThisVersionDoesNotKnow_IsRefusedAtStart_SayingWhatToDo(DatabaseProvider provider)
    {
        var app = new LiaisonApp(provider);
        await app.StartAsync();
        await app.WithDb(db => db.Database.ExecuteSqlRawAsync(
            db.GetService<IHistoryRepository>().GetInsertScript(new HistoryRow("20200101000000_FromAnOlderBuild", "10.0.0"))));
        var restarted = app.Successor();
        await app.DisposeAsync();
        await using (restarted)
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(restarted.StartAsync);
            Assert.Contains("20200101000000_FromAnOlderBuild", refused.ToString());
            Assert.Contains("another version of Liaison", refused.ToString());
        }
    }
}
