using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Liaison.Server.Features.Agreements;
using NodaTime;

namespace Liaison.Server.Tests.Agreements;

/// <summary>Values and files that once answered 500 or ran for ever: now a 400 naming the field, and nothing stored.</summary>
public partial class AgreementsApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_ResponseAmountOf1e8_Is400NamingTheField(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["responseTimes"] = new JsonArray(Rule(null, "urgent", 1, "workingHours"), Rule(null, "normal", 100_000_000m, "workingHours"));
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("responseTimes.too-long", problem["rule"]!.GetValue<string>());
        Assert.Equal("responseTimes[1]", problem["field"]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_StoredAgreementWithAbsurdResponseTime_Is400NotA500(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var (api, id, _) = await NewClient(db);
        // Stored before these rules existed: an absurd response time. (A calendar without working time: CalendarApiTest.)
        var stored = ClientAgreements.DefaultTemplate().Terms with
        {
            Version = 1,
            EffectiveFrom = Instant.FromUtc(2026, 1, 1, 0, 0),
            ResponseTimes = [new(null, Core.Agreements.Urgency.Urgent, Core.Agreements.ResponseTime.Hours(100_000_000)), new(null, Core.Agreements.Urgency.Normal, Core.Agreements.ResponseTime.Days(1))],
        };
        await app.WithDb(async d =>
        {
            d.AgreementVersions.Add(new AgreementVersionRecord(id, stored, null, stored.EffectiveFrom, null));
            return await d.SaveChangesAsync();
        });
        var clock = Stopwatch.StartNew();
        var problem = await (await api.GetAsync($"/api/clients/{id}/promise-preview?receivedAt=2027-01-12T08:30:00Z&channel=email&urgency=urgent")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("promise.no-working-time", problem["rule"]!.GetValue<string>());
        await (await api.GetAsync($"/api/clients/{id}/promise-preview?receivedAt=2027-01-12T08:30:00Z&channel=email&urgency=normal")).Json(HttpStatusCode.OK);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        // The agreement itself still reads, so the owner can fix it.
        await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{id}/working-together")).Json(HttpStatusCode.OK);
    }
}
