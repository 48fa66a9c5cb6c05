using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Core.Calendars;
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
    public async Task Put_DayOffRangeTo9999_Is400NamingTheField(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["daysOff"] = new JsonArray(new JsonObject { ["start"] = "2027-01-04", ["end"] = "9999-12-31", ["name"] = "For ever" });
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("daysOff.out-of-range", problem["rule"]!.GetValue<string>());
        Assert.Equal("daysOff[0]", problem["field"]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_EveryDayOffEveryYear_Is400LeavingNoWorkingHours(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["daysOff"] = new JsonArray(new JsonObject { ["start"] = "2000-01-01", ["end"] = "2000-12-31", ["everyYear"] = true });
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("agreement.no-working-hours", problem["rule"]!.GetValue<string>());
        Assert.Equal("daysOff", problem["field"]!.GetValue<string>());
        Assert.Contains("leaves no working hours", problem["title"]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_StoredAgreementWithoutWorkingTime_Is400NotA500(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var (api, id, _) = await NewClient(db);
        // Stored before these rules existed: every day off every year, and an absurd response time.
        var stored = ClientAgreements.DefaultTemplate().Terms with
        {
            Version = 1,
            EffectiveFrom = Instant.FromUtc(2026, 1, 1, 0, 0),
            DaysOff = [new DayOff(new LocalDate(2000, 1, 1), new LocalDate(2000, 12, 31), null, EveryYear: true)],
            ResponseTimes = [new(null, Core.Agreements.Urgency.Urgent, Core.Agreements.ResponseTime.Hours(100_000_000)), new(null, Core.Agreements.Urgency.Normal, Core.Agreements.ResponseTime.Days(1))],
        };
        await app.WithDb(async d =>
        {
            d.AgreementVersions.Add(new AgreementVersionRecord(id, stored, null, stored.EffectiveFrom, null));
            return await d.SaveChangesAsync();
        });
        var clock = Stopwatch.StartNew();
        foreach (var urgency in new[] { "normal", "urgent" })
        {
            var problem = await (await api.GetAsync($"/api/clients/{id}/promise-preview?receivedAt=2027-01-12T08:30:00Z&channel=email&urgency={urgency}")).Json(HttpStatusCode.BadRequest);
            Assert.Equal("promise.no-working-time", problem["rule"]!.GetValue<string>());
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        // The agreement itself still reads, so the owner can fix it.
        await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/clients/{id}/working-together")).Json(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_SecondlyRuleSince1900_FinishesWithABoundedResult(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        var body = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:tick@test\r\nDTSTART:19000101T000000Z\r\nDTEND:19000101T000001Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Tick\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20300503\r\nSUMMARY:Far ahead\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var clock = Stopwatch.StartNew();
        var imported = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", body)).Json(HttpStatusCode.OK);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var daysOff = imported["terms"]!["daysOff"]!.AsArray();
        // Seconds ticking from today on collapse into days off from today; nothing beyond two years ahead.
        Assert.NotEmpty(daysOff);
        Assert.True(daysOff.Count <= 731);
        Assert.DoesNotContain(daysOff, d => d!["start"]!.GetValue<string>() == "2030-05-03");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_OversizeFile_IsRefusedAndNothingStored(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        var filler = "BEGIN:VEVENT\r\nUID:x@test\r\nDTSTART;VALUE=DATE:20270503\r\nSUMMARY:" + new string('x', 1000) + "\r\nEND:VEVENT\r\n";
        foreach (var megabytes in new[] { 2, 10 })
        {
            var text = Ics(string.Concat(Enumerable.Repeat(filler, megabytes * 1024 * 1024 / filler.Length)));
            using var form = new MultipartFormDataContent();
            var file = new StringContent(text, Encoding.UTF8);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/calendar");
            form.Add(file, "file", "huge.ics");
            var response = await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", form);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{megabytes} MB: {(int)response.StatusCode}");

            var plain = await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", new StringContent(text, Encoding.UTF8, "text/calendar"));
            Assert.True(plain.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{megabytes} MB body: {(int)plain.StatusCode}");
        }
        var small = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import",
            new StringContent(Ics(new string(' ', ICalendarDaysOff.MaxTextLength)), Encoding.UTF8, "text/calendar"))).Json(HttpStatusCode.BadRequest);
        Assert.Equal("ical.too-large", small["rule"]!.GetValue<string>());
        Assert.Equal("daysOff.calendar", small["field"]!.GetValue<string>());

        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.Equal(1, current["version"]!.GetValue<int>());
        Assert.Empty(current["terms"]!["daysOff"]!.AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_CancelledEventsAndInstances_AreIgnored(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        var body = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART;VALUE=DATE:20270505\r\nSTATUS:CANCELLED\r\nSUMMARY:Called off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nDTSTART;VALUE=DATE:20270503\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;VALUE=DATE:20270510\r\nSUMMARY:Monday off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nRECURRENCE-ID;VALUE=DATE:20270517\r\nDTSTART;VALUE=DATE:20270517\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var imported = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", body)).Json(HttpStatusCode.OK);
        Assert.Equal(["2027-05-03"], imported["terms"]!["daysOff"]!.AsArray().Select(d => d!["start"]!.GetValue<string>()));
    }
}
