using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction and saves: a use case that needs
    /// several saves (an id before the next step) either happens whole or not at all.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this LiaisonDb db, Func<Task<T>> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null) return await work();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return result;
        }
        catch
        {
            // Tracked entities may hold ids or changes that were rolled back: the context must not be reused.
            db.ChangeTracker.Clear();
            throw;
        }
    }
}

public static class DerivedData
{
    /// <summary>
    /// For a unit of work whose every write can be derived again from data already stored for good
    /// (processing a stored delivery): on SQLite its commit needn't wait for the disk. A power cut
    /// may then undo the last such commits — the deliveries are pending again and are processed
    /// again — but never corrupts the database or loses what it was derived from. The connection
    /// is held open and back to full durability when the scope ends.
    /// </summary>
    public static async Task<IAsyncDisposable> RelaxDurabilityAsync(this LiaisonDb db, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Sqlite) return NoScope.Instance;
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
        return new Scope(db);
    }

    private sealed class Scope(LiaisonDb db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // The pooled connection goes back as it came: other work on it stays fully durable.
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;");
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                // It can't be told to: it must not be handed out again.
                if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection connection)
                    Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class NoScope : IAsyncDisposable
    {
        public static NoScope Instance { get; } = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
