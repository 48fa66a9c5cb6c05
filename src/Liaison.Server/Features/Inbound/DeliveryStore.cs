using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

/// <summary>A delivery waiting for its batch's commit.</summary>
/// <param name="AnswerWaiting">a provider is waiting for our answer (a webhook), not a channel that pulls.</param>
/// <param name="Backfill">history found on the channel's first read (<see cref="InboundDelivery.IsBackfill"/>).</param>
public sealed record PendingDelivery(long ChannelId, string Key, byte[] Payload, Instant ReceivedAt, string? PayloadSha256 = null, bool AnswerWaiting = false, bool Backfill = false)
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

    /// <summary>Stores the batch in one transaction, due for processing at <paramref name="due"/>; returns when it is durable.</summary>
    /// <param name="due">now on the <see cref="Background.LeaseClock"/>, which claims compare with: not the receiving clock, which may be skewed.</param>
    public abstract Task InsertAsync(IReadOnlyList<PendingDelivery> batch, Instant due, CancellationToken ct);

    /// <summary>
    /// Leases up to <paramref name="limit"/> due deliveries to this processor until <paramref name="leaseUntil"/>,
    /// counting the attempt on each in the same statement: durable before the first byte is read, so a
    /// delivery that kills the process (a stack overflow, running out of memory) has it on record.
    /// A delivery whose last attempt never finished (its lease left behind) is claimed alone: it may be
    /// what stopped the server, and must not take a batch of innocent ones down with it again. Once it
    /// has been attempted <paramref name="maxCrashes"/> times that way it is set aside as failed instead.
    /// </summary>
    public abstract Task<Claim> ClaimAsync(Instant now, Instant leaseUntil, int limit, int maxCrashes, CancellationToken ct);

    /// <summary>
    /// At start-up: leases that can only be this server's own, left by a crash, are expired so the
    /// work resumes at once; they stay set, the mark of an attempt that never finished. SQLite has one
    /// server by definition; PostgreSQL's leases simply expire.
    /// </summary>
    public virtual Task ReleaseOrphanedLeasesAsync(Instant now, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Whether a delivery is due and free to claim: after a claim cut short, the processor goes on at once instead of sleeping.</summary>
    public abstract Task<bool> HasDueAsync(Instant now, CancellationToken ct);

    protected static string Due(char p) => $"state = 'Pending' AND next_attempt_at <= {p}now AND (lease_until IS NULL OR lease_until < {p}now)";

    protected abstract Task OpenAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// The one claim statement, in the SQL both providers speak: the first <c>limit</c> due deliveries,
    /// cut before the first whose last attempt never finished, or that one alone when it comes first.
    /// <paramref name="lockDue"/> is PostgreSQL's row locking, so instances claim disjoint deliveries.
    /// </summary>
    protected static string ClaimSql(char p, string lockDue) => $"""
        WITH due AS (
            SELECT id, lease_until IS NOT NULL AS unfinished FROM inbound_deliveries
            WHERE {Due(p)}
            ORDER BY id LIMIT {p}limit {lockDue}),
        taken AS (
            SELECT id FROM due
            WHERE id < coalesce((SELECT min(id) FROM due WHERE unfinished), 9223372036854775807) OR id = (SELECT min(id) FROM due))
        UPDATE inbound_deliveries SET
            state = CASE WHEN {SetAside(p)} THEN 'Failed' ELSE state END,
            last_error = CASE WHEN {SetAside(p)}
                THEN 'Processing this delivery stopped the server ' || attempts || ' times; set aside so it cannot stop the next start. Retry processes it again.'
                ELSE last_error END,
            lease_until = CASE WHEN {SetAside(p)} THEN NULL ELSE {p}lease END,
            attempts = CASE WHEN {SetAside(p)} THEN attempts ELSE attempts + 1 END
        WHERE id IN (SELECT id FROM taken)
        RETURNING id, state
        """;

    // SET expressions see the row as it was: a lease still set means the last attempt never finished.
    private static string SetAside(char p) => $"lease_until IS NOT NULL AND attempts >= {p}maxCrashes";

    protected static async Task<Claim> ReadClaim(DbCommand command, CancellationToken ct)
    {
        var claimed = new List<long>();
        var setAside = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) (reader.GetString(1) == nameof(DeliveryProcessing.Failed) ? setAside : claimed).Add(reader.GetInt64(0));
        claimed.Sort();
        return new Claim(claimed, setAside);
    }
}

/// <param name="Claimed">leased to this processor, oldest first, their attempt counted.</param>
/// <param name="SetAside">found to have stopped the server too often: failed now, for the Undelivered page.</param>
public sealed record Claim(List<long> Claimed, List<long> SetAside);

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

    public override async Task InsertAsync(IReadOnlyList<PendingDelivery> batch, Instant due, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        // RETURNING yields no row for a repeat: only a new delivery gets its payload stored.
        insert.CommandText = """
            INSERT INTO inbound_deliveries (channel_id, delivery_key, received_at, payload_sha256, is_backfill, state, attempts, next_attempt_at)
            VALUES ($channel, $key, $at, $sha, $backfill, 'Pending', 0, $due)
            ON CONFLICT (channel_id, delivery_key) DO NOTHING
            RETURNING id
            """;
        var channel = insert.Parameters.Add("$channel", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var sha = insert.Parameters.Add("$sha", SqliteType.Text);
        var backfill = insert.Parameters.Add("$backfill", SqliteType.Integer);
        insert.Parameters.AddWithValue("$due", due.ToUnixTimeTicks());
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
            backfill.Value = delivery.Backfill;
            if (await insert.ExecuteScalarAsync(ct) is not long newId || delivery.PayloadSha256 is not null) continue;
            id.Value = newId;
            bytes.Value = delivery.Payload;
            await keep.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public override async Task ReleaseOrphanedLeasesAsync(Instant now, CancellationToken ct)
    {
        await using var release = connection.CreateCommand();
        release.CommandText = "UPDATE inbound_deliveries SET lease_until = $expired WHERE state = 'Pending' AND lease_until >= $now";
        release.Parameters.AddWithValue("$expired", now.ToUnixTimeTicks() - 1);
        release.Parameters.AddWithValue("$now", now.ToUnixTimeTicks());
        await release.ExecuteNonQueryAsync(ct);
    }

    public override async Task<Claim> ClaimAsync(Instant now, Instant leaseUntil, int limit, int maxCrashes, CancellationToken ct)
    {
        await using var claim = connection.CreateCommand();
        claim.CommandText = ClaimSql('$', "");
        claim.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeTicks());
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeTicks());
        claim.Parameters.AddWithValue("$limit", limit);
        claim.Parameters.AddWithValue("$maxCrashes", maxCrashes);
        return await ReadClaim(claim, ct);
    }

    public override async Task<bool> HasDueAsync(Instant now, CancellationToken ct)
    {
        await using var due = connection.CreateCommand();
        due.CommandText = $"SELECT EXISTS (SELECT 1 FROM inbound_deliveries WHERE {Due('$')})";
        due.Parameters.AddWithValue("$now", now.ToUnixTimeTicks());
        return Convert.ToInt64(await due.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public override async ValueTask DisposeAsync() => await connection.DisposeAsync();
}

internal sealed class PostgresDeliveryStore(string connectionString) : DeliveryStore
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    protected override Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

    public override async Task InsertAsync(IReadOnlyList<PendingDelivery> batch, Instant due, CancellationToken ct)
    {
        // One statement for the batch: unnest turns the arrays into rows, so a burst is one round trip.
        var channels = new long[batch.Count];
        var keys = new string[batch.Count];
        var times = new DateTime[batch.Count];
        var payloads = new byte[batch.Count][];
        var shas = new string?[batch.Count];
        var backfills = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            channels[i] = batch[i].ChannelId;
            keys[i] = batch[i].Key;
            times[i] = batch[i].ReceivedAt.ToDateTimeUtc();
            payloads[i] = batch[i].Payload;
            shas[i] = batch[i].PayloadSha256;
            backfills[i] = batch[i].Backfill;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // DISTINCT ON: a delivery repeated within the batch is stored, with its payload, once.
        await using var insert = new NpgsqlCommand("""
            WITH d AS (SELECT DISTINCT ON (c, k) c, k, t, p, s, b FROM unnest(@channels, @keys, @times, @payloads, @shas, @backfills) AS u(c, k, t, p, s, b)),
            stored AS (
                INSERT INTO inbound_deliveries (channel_id, delivery_key, received_at, payload_sha256, is_backfill, state, attempts, next_attempt_at)
                SELECT c, k, t, s, b, 'Pending', 0, @due FROM d
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
        insert.Parameters.Add(new NpgsqlParameter("backfills", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = backfills });
        insert.Parameters.AddWithValue("due", due.ToDateTimeUtc());
        await insert.ExecuteNonQueryAsync(ct);
    }

    public override async Task<Claim> ClaimAsync(Instant now, Instant leaseUntil, int limit, int maxCrashes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // SKIP LOCKED: several server instances claim disjoint deliveries without waiting on each other.
        await using var claim = new NpgsqlCommand(ClaimSql('@', "FOR UPDATE SKIP LOCKED"), connection);
        claim.Parameters.AddWithValue("lease", leaseUntil.ToDateTimeUtc());
        claim.Parameters.AddWithValue("now", now.ToDateTimeUtc());
        claim.Parameters.AddWithValue("limit", limit);
        claim.Parameters.AddWithValue("maxCrashes", maxCrashes);
        return await ReadClaim(claim, ct);
    }

    public override async Task<bool> HasDueAsync(Instant now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var due = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM inbound_deliveries WHERE {Due('@')})", connection);
        due.Parameters.AddWithValue("now", now.ToDateTimeUtc());
        return (bool)(await due.ExecuteScalarAsync(ct))!;
    }

    public override async ValueTask DisposeAsync() => await dataSource.DisposeAsync();
}
