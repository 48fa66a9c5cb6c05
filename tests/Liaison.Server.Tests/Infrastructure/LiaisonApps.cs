using Liaison.Server.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(LiaisonApps))]

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// One running server per database provider, shared by the whole test assembly (starting one costs a
/// migration). Tests stay independent by creating their own clients and addresses.
/// </summary>
public sealed class LiaisonApps : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<DatabaseProvider, LiaisonApp> apps = [];

    public async Task<LiaisonApp> For(DatabaseProvider provider)
    {
        await gate.WaitAsync();
        try
        {
            if (!apps.TryGetValue(provider, out var app))
            {
                app = new LiaisonApp(provider);
                await app.StartAsync();
                apps[provider] = app;
            }
            return app;
        }
        finally { gate.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps.Values) await app.DisposeAsync();
    }
}

/// <summary>The two providers every data test runs on, as the two cases of one theory.</summary>
public static class Databases
{
    public static TheoryData<DatabaseProvider> Both => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);
}
