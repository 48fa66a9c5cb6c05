using System.Net;
using System.Text.Json.Nodes;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Calendar;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using static Liaison.Server.Tests.Agreements.AgreementsApiTest;

namespace Liaison.Server.Tests.Calendar;

/// <summary>Agreements stored before the calendar existed: their calendar terms become the workspace's, and no promise moves.</summary>
public partial class CalendarApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AgreementOfTheOldShape_AfterARestart_KeepsItsVersionAndItsPromise(DatabaseProvider db)
    {
        var app = await StartAsync(db);
        var clientId = await NewClientAsync(app.Api());
        // As an earlier build stored it: our zone, hours, days off and check windows inside the client's terms.
        var terms = ClientAgreements.DefaultTemplate().Terms with { Version = 1, EffectiveFrom = Instant.FromUtc(2026, 6, 1, 0, 0), ClientTimeZone = "Europe/Warsaw" };
        var document = JsonNode.Parse(AgreementJson.Serialize(new AgreementDocument(terms)))!;
        var old = document["terms"]!.AsObject();
        old["ourTimeZone"] = "Europe/Sofia";
        old["workingHours"] = Week(("10:00:00", "14:00:00"));
        old["daysOff"] = new JsonArray(new JsonObject { ["start"] = "2027-01-12", ["end"] = null, ["name"] = "Off", ["everyYear"] = false });
        old["checkWindows"] = new JsonObject { ["monday"] = new JsonArray("11:00:00"), ["wednesday"] = new JsonArray("11:00:00") };
        await app.WithDb(async d =>
        {
            var row = new AgreementVersionRecord(clientId, terms, null, terms.EffectiveFrom, null);
            d.AgreementVersions.Add(row);
            d.Entry(row).Property(r => r.Document).CurrentValue = document.ToJsonString();
            return await d.SaveChangesAsync();
        });

        // The next start moves the calendar terms into the workspace calendar, once.
        var restarted = app.Successor();
        await app.DisposeAsync();
        await using var disposeLater = restarted;
        await restarted.StartAsync();
        var api = restarted.Api();
        Assert.Equal(0, await restarted.WithDb(d => CalendarsFromAgreements.MoveAsync(d, SystemClock.Instance.GetCurrentInstant())));

        var calendar = await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        Assert.True(calendar["stored"]!.GetValue<bool>());
        Assert.Equal(1, calendar["calendar"]!["version"]!.GetValue<int>());
        Assert.Equal("Europe/Sofia", calendar["calendar"]!["timeZone"]!.GetValue<string>());
        Assert.Equal("2027-01-12", calendar["calendar"]!["daysOff"]![0]!["start"]!.GetValue<string>());

        // The version is still there and reads as before.
        var agreement = await (await api.GetAsync($"/api/clients/{clientId}/agreement")).Json(HttpStatusCode.OK);
        Assert.Equal(1, agreement["version"]!.GetValue<int>());
        Assert.Single((await (await api.GetAsync($"/api/clients/{clientId}/agreement/versions")).Json(HttpStatusCode.OK)).AsArray());

        // Monday 13:00 in Sofia: 1 working hour on Monday, Tuesday off, 3 hours on Wednesday: 13:00 on
        // Wednesday, as the old agreement promised (the default calendar would say Monday 17:00 Sofia time).
        var preview = await Preview(api, clientId, "2027-01-11T11:00:00Z", "telegram", "normal");
        Assert.Equal("2027-01-13T11:00:00Z", preview["due"]!.GetValue<string>());
        Assert.Equal(1, preview["agreementVersion"]!.GetValue<int>());
        Assert.Equal(1, preview["calendarVersion"]!.GetValue<int>());
    }

    [Fact]
    public void CalendarTerms_OfADocumentOfTheNewShape_AreNone() =>
        Assert.Null(CalendarsFromAgreements.Read(AgreementJson.Serialize(ClientAgreements.DefaultTemplate())));

    [Fact]
    public void CalendarTerms_LeftOutOfAnOldDocument_TakeTheOldDefaults()
    {
        var calendar = CalendarsFromAgreements.Read("""{"terms":{"ourTimeZone":"Europe/Kyiv","clientTimeZone":"Europe/Kyiv"}}""")!;
        Assert.Equal("Europe/Kyiv", calendar.TimeZone);
        // The old agreement's default hours: 09:00–13:00 and 14:00–18:00 on weekdays.
        Assert.Equal([TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(14, 0, 18, 0)], calendar.WorkingHours.Friday);
        Assert.Empty(calendar.WorkingHours.Saturday);
        Assert.Empty(calendar.DaysOff);
        Assert.Empty(calendar.CheckWindows.Monday);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_StoredCalendarWithoutWorkingTime_Is400NotA500(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var clientId = await NewClientAsync(api);
        // Stored before the rules existed: every day off every year.
        var stored = OurCalendar.Default with
        {
            Version = 1,
            EffectiveFrom = Instant.FromUtc(2026, 1, 1, 0, 0),
            DaysOff = [new DayOff(new LocalDate(2000, 1, 1), new LocalDate(2000, 12, 31), null, EveryYear: true)],
        };
        await app.WithDb(async d =>
        {
            var workspaceId = await d.Clients.Where(c => c.Id == clientId).Select(c => c.WorkspaceId).SingleAsync();
            d.CalendarVersions.Add(new CalendarVersionRecord(workspaceId, null, stored, stored.EffectiveFrom, null));
            return await d.SaveChangesAsync();
        });
        var problem = await (await api.GetAsync($"/api/clients/{clientId}/promise-preview?receivedAt=2027-01-12T08:30:00Z&channel=email&urgency=normal")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("promise.no-working-time", problem["rule"]!.GetValue<string>());
        // The calendar and the agreement still read, so the owner can fix them.
        await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{clientId}/working-together")).Json(HttpStatusCode.OK);
    }

    private static JsonObject Week((string Start, string End) range)
    {
        var week = new JsonObject();
        foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }) week[day] = Ranges(range);
        return week;
    }
}
