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
