using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>A delivery waiting for its batch's commit.</summary>
/// <param name="AnswerWaiting">a provider is waiting for our answer (a webhook), not a channel that pulls.</param>
public sealed record PendingDelivery(long ChannelId, string Key, byte[] Payload, Instant ReceivedAt, string? PayloadSha256 = null, bool AnswerWaiting = false)
{
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The hot path of ingest in plain ADO.NET, one connection per user (the writer, the processor): a
/// batch of deliveries in one transaction, duplicates skipped by the unique (channel, key) index, and
/// the claim of due deliveries for processing. The only SQL that differs between the providers. A
/// delivery's bytes go to inbound_payloads, written once and never updated.
/// </summary>
public abstract class DeliveryStore : IAsyncDisposable
{
    public static async Task<DeliveryStore> OpenAsync(LiaisonOptions options, CancellationToken ct)
    {
        var connectionString = Data.DataServices.ConnectionString(options);
        DeliveryStore store = options.Database.Provider == DatabaseProvider.Postgres
            ? new PostgresDeliveryStore(connectionString)
            : new SqliteDeliveryStore(connectionString);
        await store.OpenAsync(ct);
        return store;
    }

    /// <summary>Stores the batch in one transaction; returns when it is durable.</summary>
    public abstract Task InsertAsync(IReadOnlyList<PendingDelivery> batch, CancellationToken ct);

    /// <summary>Leases up to <paramref name="limit"/> due deliveries to this processor until <paramref name="leaseUntil"/>; returns their ids, oldest first.</summary>
    public abstract Task<List<long>> ClaimAsync(Instant now, Instant leaseUntil, int limit, CancellationToken ct);

    /// <summary>
    /// At start-up: leases that can only be this server's own, left by a crash, are released so the
    /// work resumes at once. SQLite has one server by definition; PostgreSQL's leases simply expire.
    /// </summary>
    public virtual Task ReleaseOrphanedLeasesAsync(CancellationToken ct) => Task.CompletedTask;

    protected abstract Task OpenAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    protected static async Task<List<long>> ReadIds(DbCommand command, CancellationToken ct)
    {
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        ids.Sort();
        return ids;
    }
}

internal sealed class SqliteDeliveryStore(string connectionString) : DeliveryStore
{
    private readonly SqliteConnection connection = new(connectionString);

    protected override async Task OpenAsync(CancellationToken ct)
    {
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // FULL: the WAL is synced at every commit, so an acknowledged delivery survives even a power
        // cut, not only a process crash. Group commit pays one sync for the whole batch.
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(ct);
    }

    public override async Task InsertAsync(IReadOnlyList<PendingDelivery> batch, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        // RETURNING yields no row for a repeat: only a new delivery gets its payload stored.
        insert.CommandText = """
            INSERT INTO inbound_deliveries (channel_id, delivery_key, received_at, payload_sha256, state, attempts, next_attempt_at)
            VALUES ($channel, $key, $at, $sha, 'Pending', 0, $at)
            ON CONFLICT (channel_id, delivery_key) DO NOTHING
            RETURNING id
            """;
        var channel = insert.Parameters.Add("$channel", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var sha = insert.Parameters.Add("$sha", SqliteType.Text);
        await using var keep = connection.CreateCommand();
        keep.Transaction = tx;
        keep.CommandText = "INSERT INTO inbound_payloads (delivery_id, bytes) VALUES ($id, $bytes)";
        var id = keep.Parameters.Add("$id", SqliteType.Integer);
        var bytes = keep.Parameters.Add("$bytes", SqliteType.Blob);
        foreach (var delivery in batch)
        {
            channel.Value = delivery.ChannelId;
            key.Value = delivery.Key;
            at.Value = delivery.ReceivedAt.ToUnixTimeTicks();
            sha.Value = (object?)delivery.PayloadSha256 ?? DBNull.Value;
            if (await insert.ExecuteScalarAsync(ct) is not long newId || delivery.PayloadSha256 is not null) continue;
            id.Value = newId;
            bytes.Value = delivery.Payload;
            await keep.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public override async Task ReleaseOrphanedLeasesAsync(CancellationToken ct)
    {
        await using var release = connection.CreateCommand();
        release.CommandText = "UPDATE inbound_deliveries SET lease_until = NULL WHERE state = 'Pending' AND lease_until IS NOT NULL";
        await release.ExecuteNonQueryAsync(ct);
    }

    public override async Task<List<long>> ClaimAsync(Instant now, Instant leaseUntil, int limit, CancellationToken ct)
    {
        await using var claim = connection.CreateCommand();
        claim.CommandText = """
            UPDATE inbound_deliveries SET lease_until = $lease
            WHERE id IN (SELECT id FROM inbound_deliveries
                         WHERE state = 'Pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until < $now)
                         ORDER BY id LIMIT $limit)
            RETURNING id
            """;
        claim.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeTicks());
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeTicks());
        claim.Parameters.AddWithValue("$limit", limit);
        return await ReadIds(claim, ct);
    }

    public override async ValueTask DisposeAsync() => await connection.DisposeAsync();
}

internal sealed class PostgresDeliveryStore(string connectionString) : DeliveryStore
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    protected override Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

    public override async Task InsertAsync(IReadOnlyList<PendingDelivery> batch, CancellationToken ct)
    {
        // One statement for the batch: unnest turns the arrays into rows, so a burst is one round trip.
        var channels = new long[batch.Count];
        var keys = new string[batch.Count];
        var times = new DateTime[batch.Count];
        var payloads = new byte[batch.Count][];
        var shas = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            channels[i] = batch[i].ChannelId;
            keys[i] = batch[i].Key;
            times[i] = batch[i].ReceivedAt.ToDateTimeUtc();
            payloads[i] = batch[i].Payload;
            shas[i] = batch[i].PayloadSha256;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // DISTINCT ON: a delivery repeated within the batch is stored, with its payload, once.
        await using var insert = new NpgsqlCommand("""
            WITH d AS (SELECT DISTINCT ON (c, k) c, k, t, p, s FROM unnest(@channels, @keys, @times, @payloads, @shas) AS u(c, k, t, p, s)),
            stored AS (
                INSERT INTO inbound_deliveries (channel_id, delivery_key, received_at, payload_sha256, state, attempts, next_attempt_at)
                SELECT c, k, t, s, 'Pending', 0, t FROM d
                ON CONFLICT (channel_id, delivery_key) DO NOTHING
                RETURNING id, channel_id, delivery_key, payload_sha256)
            INSERT INTO inbound_payloads (delivery_id, bytes)
            SELECT stored.id, d.p FROM stored JOIN d ON d.c = stored.channel_id AND d.k = stored.delivery_key
            WHERE stored.payload_sha256 IS NULL
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter("channels", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = channels });
        insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys });
        insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times });
        insert.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = payloads });
        insert.Parameters.Add(new NpgsqlParameter("shas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = shas });
        await insert.ExecuteNonQueryAsync(ct);
    }

    public override async Task<List<long>> ClaimAsync(Instant now, Instant leaseUntil, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // SKIP LOCKED: several server instances claim disjoint deliveries without waiting on each other.
        await using var claim = new NpgsqlCommand("""
            UPDATE inbound_deliveries SET lease_until = @lease
            WHERE id IN (SELECT id FROM inbound_deliveries
                         WHERE state = 'Pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                         ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, connection);
        claim.Parameters.AddWithValue("lease", leaseUntil.ToDateTimeUtc());
        claim.Parameters.AddWithValue("now", now.ToDateTimeUtc());
        claim.Parameters.AddWithValue("limit", limit);
        return await ReadIds(claim, ct);
    }

    public override async ValueTask DisposeAsync() => await dataSource.DisposeAsync();
}
