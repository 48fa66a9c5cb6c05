using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Core.Calendars;
using Liaison.Server.Features.Agreements;
using NodaTime;
using static Liaison.Server.Tests.Agreements.AgreementsApiTest;

namespace Liaison.Server.Tests.Calendar;

/// <summary>
/// The workspace's own calendar over the API. Each test runs its own server: the calendar belongs to
/// the workspace, so changing it on the shared server would move every other test's promises.
/// </summary>
public partial class CalendarApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Calendar_NotSaved_IsTheDefaultAndPromisesAreCountedInIt(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var view = await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        Assert.False(view["stored"]!.GetValue<bool>());
        Assert.Empty(view["versions"]!.AsArray());
        var calendar = view["calendar"]!;
        Assert.Equal(0, calendar["version"]!.GetValue<int>());
        Assert.Equal("Europe/Warsaw", calendar["timeZone"]!.GetValue<string>());
        Assert.Equal("17:00:00", calendar["workingHours"]!["friday"]![0]!["end"]!.GetValue<string>());
        Assert.Equal(["09:00:00", "13:00:00", "17:00:00"], calendar["checkWindows"]!["wednesday"]!.AsArray().Select(t => t!.GetValue<string>()));

        var client = await NewClientAsync(api);
        var preview = await Preview(api, client, "2027-01-08T17:30:00Z", "telegram", "normal");
        Assert.Equal(0, preview["calendarVersion"]!.GetValue<int>());
        Assert.Equal("2027-01-11T12:00:00Z", preview["due"]!.GetValue<string>()); // Monday 13:00 in Warsaw
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Calendar_Saved_ReachesEveryClientFromThen_AndEarlierMessagesKeepTheirVersion(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var (first, second) = (await NewClientAsync(api), await NewClientAsync(api));
        foreach (var client in new[] { first, second })
        {
            var terms = (await (await api.GetAsync($"/api/clients/{client}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
            await (await api.PutAsJsonAsync($"/api/clients/{client}/agreement", new { terms })).Json(HttpStatusCode.OK);
        }

        var sofia = Calendar("Europe/Sofia");
        var v1 = await (await api.PutAsJsonAsync("/api/calendar", sofia)).Json(HttpStatusCode.OK);
        Assert.True(v1["stored"]!.GetValue<bool>());
        Assert.Equal(1, v1["calendar"]!["version"]!.GetValue<int>());
        sofia["timeZone"] = "Europe/Kyiv";
        var v2 = await (await api.PutAsJsonAsync("/api/calendar", sofia)).Json(HttpStatusCode.OK);
        var versions = v2["versions"]!.AsArray();
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));

        foreach (var client in new[] { first, second })
        {
            var underFirst = await Preview(api, client, versions[0]!["effectiveFrom"]!.GetValue<string>(), "email", "normal");
            Assert.Equal(1, underFirst["calendarVersion"]!.GetValue<int>());
            Assert.Equal("Europe/Sofia", underFirst["dueInOurZone"]!["timeZone"]!.GetValue<string>());
            var underSecond = await Preview(api, client, versions[1]!["effectiveFrom"]!.GetValue<string>(), "email", "normal");
            Assert.Equal(2, underSecond["calendarVersion"]!.GetValue<int>());
            Assert.Equal("Europe/Kyiv", underSecond["dueInOurZone"]!["timeZone"]!.GetValue<string>());
            Assert.Equal(1, underSecond["agreementVersion"]!.GetValue<int>());
        }
        var current = await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        Assert.Equal("Europe/Kyiv", current["calendar"]!["timeZone"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Calendar_TeamMember_ReadsButCannotChangeIt(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var member = app.ApiAs(await app.NewTeamMemberAsync());
        await (await member.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        await (await member.GetAsync("/api/calendar/holidays?country=PL&year=2027")).Json(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync("/api/calendar", Calendar("Europe/Sofia"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/calendar/days-off/import", new StringContent(Ics(""), System.Text.Encoding.UTF8, "text/calendar"))).StatusCode);
        Assert.False((await (await app.Api().GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Calendar_BadInput_Is400NamingTheFieldAndStoresNothing(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var cases = new List<(Action<JsonObject> Break, string Field, string? Rule)>
        {
            (c => c["workingHours"]!["wednesday"] = Ranges(("09:00:00", "13:00:00"), ("12:00:00", "15:00:00")), "workingHours.wednesday", "hours.overlap"),
            (c => c["workingHours"] = new JsonObject(), "workingHours", "calendar.no-working-hours"),
            (c => c["timeZone"] = "Europe/Warsow", "timeZone", "timezone.unknown"),
            (c => c.Remove("timeZone"), "timeZone", null),
            (c => c["workingHours"]!["monday"]![0]!["start"] = "nine", "workingHours.monday[0].start", null),
            (c => c["checkWindows"] = new JsonObject { ["friday"] = new JsonArray("09:00:00", "09:00:00") }, "checkWindows.friday", "checkWindows.duplicate"),
            (c => c["daysOff"] = new JsonArray(new JsonObject { ["start"] = "2027-01-04", ["end"] = "9999-12-31", ["name"] = "For ever" }), "daysOff[0]", "daysOff.out-of-range"),
            (c => c["daysOff"] = new JsonArray(new JsonObject { ["start"] = "2000-01-01", ["end"] = "2000-12-31", ["everyYear"] = true }), "daysOff", "calendar.no-working-hours"),
        };
        foreach (var (breakIt, field, rule) in cases)
        {
            var calendar = Calendar("Europe/Sofia");
            breakIt(calendar);
            var problem = await (await api.PutAsJsonAsync("/api/calendar", calendar)).Json(HttpStatusCode.BadRequest);
            Assert.Equal(field, problem["field"]!.GetValue<string>());
            if (rule is not null) Assert.Equal(rule, problem["rule"]!.GetValue<string>());
        }
        var unknownZone = Calendar("Europe/Warsow");
        var suggestion = await (await api.PutAsJsonAsync("/api/calendar", unknownZone)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("Europe/Warsaw", suggestion["suggestions"]![0]!.GetValue<string>());
        Assert.False((await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Calendar_EveryTerm_IsStoredAndReadBack(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var sent = JsonSerializer.SerializeToNode(new OurCalendar
        {
            TimeZone = "America/New_York",
            WorkingHours = WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(14, 0, 18, 0)).With(IsoDayOfWeek.Saturday, TimeOfDayRange.Of(22, 0, 2, 0)),
            DaysOff = [new DayOff(new LocalDate(2026, 12, 24), new LocalDate(2027, 1, 2), "Christmas", EveryYear: true), new DayOff(new LocalDate(2027, 5, 3), Name: "Constitution Day")],
            CheckWindows = CheckWindows.Weekdays(new LocalTime(9, 0), new LocalTime(13, 30)) with { Sunday = [new LocalTime(20, 15)] },
        }, AgreementJson.Options)!.AsObject();
        var saved = await (await api.PutAsJsonAsync("/api/calendar", sent)).Json(HttpStatusCode.OK);
        var read = await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK);
        foreach (var view in new[] { saved, read })
        {
            var stored = view["calendar"]!.AsObject();
            foreach (var (name, value) in sent)
            {
                if (name is "version" or "effectiveFrom") continue; // the server numbers and dates versions
                Assert.True(JsonNode.DeepEquals(value, stored[name]), $"{name}: sent {value?.ToJsonString()}, got {stored[name]?.ToJsonString()}");
            }
        }
        Assert.Equal(saved["calendar"]!["effectiveFrom"]!.GetValue<string>(), read["calendar"]!["effectiveFrom"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Holidays_OfferedPerCountryAndYear_And400ForOthers(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var bg = (await (await api.GetAsync("/api/calendar/holidays?country=bg&year=2026")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Contains(bg, d => d!["start"]!.GetValue<string>() == "2026-04-10" && d["name"]!.GetValue<string>() == "Good Friday");
        var pl = (await (await api.GetAsync("/api/calendar/holidays?country=PL&year=2027")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Contains(pl, d => d!["start"]!.GetValue<string>() == "2027-11-11");
        Assert.Equal("country", (await (await api.GetAsync("/api/calendar/holidays?country=DE&year=2027")).Json(HttpStatusCode.BadRequest))["field"]!.GetValue<string>());
        Assert.Equal("year", (await (await api.GetAsync("/api/calendar/holidays?country=UA&year=20027")).Json(HttpStatusCode.BadRequest))["field"]!.GetValue<string>());
        Assert.False((await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>()); // offered, not stored

        // Added to the days off, they move promises like any day off: Easter Monday 2027 in Bulgaria is
        // 3 May, and Labour Day (Saturday 1 May) moves to the next free working day, Tuesday 4 May.
        var calendar = (await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["calendar"]!.AsObject();
        calendar["timeZone"] = "Europe/Sofia";
        calendar["daysOff"] = (await (await api.GetAsync("/api/calendar/holidays?country=BG&year=2027")).Json(HttpStatusCode.OK)).DeepClone();
        await (await api.PutAsJsonAsync("/api/calendar", calendar)).Json(HttpStatusCode.OK);
        var client = await NewClientAsync(api);
        var preview = await Preview(api, client, "2027-05-03T06:00:00Z", "telegram", "normal");
        Assert.StartsWith("2027-05-05T13:00:00+03", preview["dueInOurZone"]!["at"]!.GetValue<string>());
    }

    internal static async Task<LiaisonApp> StartAsync(DatabaseProvider db)
    {
        var app = new LiaisonApp(db);
        await app.StartAsync();
        return app;
    }

    internal static async Task<long> NewClientAsync(HttpClient api) =>
        (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Calendar ") })).Json(HttpStatusCode.Created)).Id();

    /// <summary>A calendar in <paramref name="zone"/>: 09:00–17:00 Monday to Friday, no days off, no check windows.</summary>
    internal static JsonObject Calendar(string zone)
    {
        var hours = new JsonObject();
        foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }) hours[day] = Ranges(("09:00:00", "17:00:00"));
        return new JsonObject { ["timeZone"] = zone, ["workingHours"] = hours, ["daysOff"] = new JsonArray(), ["checkWindows"] = new JsonObject() };
    }

    internal static string Ics(string events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Liaison tests//EN\r\n" + events + "END:VCALENDAR\r\n";
}
