using System.Net;
using Liaison.Server.Data;
using Liaison.Server.Features.Background;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Liaison.Server.Tests.Inbound;

/// <summary>
/// Two claimers of one stored delivery, as two server instances would be: the lease the first takes
/// holds the second off until it runs out on the lease clock.
/// </summary>
public class DeliveryLeaseTest
{
    private static readonly Duration Lease = Duration.FromSeconds(10);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ClaimedDelivery_IsNotClaimedAgainUntilItsLeaseRunsOut_OnTheAppsClock(DatabaseProvider provider)
    {
        await using var app = await StoringOnlyAsync(provider);
        var deliveryId = await StoreOneAsync(app);
        var leases = app.Services.GetRequiredService<LeaseClock>();
        await using var first = await OpenStoreAsync(app);
        await using var second = await OpenStoreAsync(app);

        Assert.Equal([deliveryId], (await ClaimAsync(first, leases)).Claimed);
        app.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty((await ClaimAsync(second, leases)).Claimed);

        app.Time.Advance(TimeSpan.FromSeconds(2));
        // Its lease ran out unfinished (the first claimer died, say): the second takes it, alone, its attempt counted.
        Assert.Equal([deliveryId], (await ClaimAsync(second, leases)).Claimed);
        Assert.Equal(2, (await app.WithDb(d => d.InboundDeliveries.AsNoTracking().SingleAsync(x => x.Id == deliveryId))).Attempts);
    }

    [Fact]
    public async Task OnPostgres_ALeaseTakenWithTheAppClockAnHourBehind_IsNotStolenByAnInstanceWhoseClockIsAnHourAhead()
    {
        await using var app = await StoringOnlyAsync(DatabaseProvider.Postgres);
        var deliveryId = await StoreOneAsync(app);
        var connectionString = DataServices.ConnectionString(app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value);
        var behind = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var ahead = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        await using var behindClock = new DatabaseLeaseClock(connectionString, behind);
        await using var aheadClock = new DatabaseLeaseClock(connectionString, ahead);
        await using var first = await OpenStoreAsync(app);
        await using var second = await OpenStoreAsync(app);

        Assert.Equal([deliveryId], (await ClaimAsync(first, behindClock)).Claimed);
        // Taken on the database's clock, not the claimer's an hour behind.
        var leaseUntil = (await app.WithDb(d => d.InboundDeliveries.AsNoTracking().SingleAsync(x => x.Id == deliveryId))).LeaseUntil!.Value;
        var databaseNow = await app.WithDb(d => d.Database.SqlQueryRaw<Instant>("SELECT clock_timestamp() AS \"Value\"").SingleAsync());
        Assert.InRange(leaseUntil - databaseNow, Lease - Duration.FromSeconds(3), Lease);

        // By its own clock that lease ran out two hours ago; by the database's it holds.
        Assert.Empty((await ClaimAsync(second, aheadClock)).Claimed);

        // It still runs out: the instance carries the database's time forward on its own (monotonic) clock.
        ahead.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal([deliveryId], (await ClaimAsync(second, aheadClock)).Claimed);
    }

    /// <summary>An app that stores deliveries and leaves them be: the test claims them itself.</summary>
    private static async Task<LiaisonApp> StoringOnlyAsync(DatabaseProvider provider)
    {
        var app = new LiaisonApp(provider, services => services.PostConfigure<LiaisonOptions>(o => o.Inbound.Process = false), AppClock.Stopped);
        await app.StartAsync();
        return app;
    }

    private static async Task<long> StoreOneAsync(LiaisonApp app)
    {
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var body = WhatsAppDeliveries.Text("48600300400", "Leased", "wamid.lease.1", "claimed twice?", new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(body)).StatusCode);
        return (await app.WithDb(d => d.InboundDeliveries.AsNoTracking().SingleAsync(x => x.ChannelId == channel.Id))).Id;
    }

    private static Task<DeliveryStore> OpenStoreAsync(LiaisonApp app) =>
        DeliveryStore.OpenAsync(app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value, TestContext.Current.CancellationToken);

    private static async Task<Claim> ClaimAsync(DeliveryStore store, LeaseClock leases)
    {
        var now = await leases.NowAsync(TestContext.Current.CancellationToken);
        return await store.ClaimAsync(now, now + Lease, limit: 16, maxCrashes: 2, TestContext.Current.CancellationToken);
    }
}
