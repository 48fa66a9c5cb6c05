using Microsoft.Extensions.Options;

namespace Liaison.Server.Features.Inbound;

/// <summary>
/// SQLite lets one connection write at a time, and a connection that finds the database locked
/// sleeps in steps of up to 100 ms before it tries again. The delivery writer and the processor
/// therefore take turns here, in process, and a turn passes the moment the other is done. With
/// PostgreSQL both write concurrently and a turn is always free.
/// </summary>
public sealed class WriteTurns(IOptions<LiaisonOptions> options) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly bool serialised = options.Value.Database.Provider == DatabaseProvider.Sqlite;

    public async ValueTask<Turn> TakeAsync(CancellationToken ct)
    {
        if (!serialised) return default;
        await turn.WaitAsync(ct);
        return new Turn(turn);
    }

    public void Dispose() => turn.Dispose();

    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
