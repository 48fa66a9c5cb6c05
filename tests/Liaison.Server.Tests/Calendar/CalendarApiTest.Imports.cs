using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Liaison.Core.Calendars;
using static Liaison.Server.Tests.Agreements.AgreementsApiTest;

namespace Liaison.Server.Tests.Calendar;

/// <summary>Days off from iCalendar files, with the limits that keep a hostile file from running for ever.</summary>
public partial class CalendarApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_IcsFile_AddsTheDaysAsANewVersion(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        using var form = new MultipartFormDataContent();
        var file = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\nSUMMARY:Constitution Day\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20270802\r\nDTEND;VALUE=DATE:20270816\r\nSUMMARY:Vacation\r\nEND:VEVENT\r\n"), Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/calendar");
        form.Add(file, "file", "days-off.ics");
        var imported = await (await api.PostAsync("/api/calendar/days-off/import", form)).Json(HttpStatusCode.OK);
        Assert.Equal(1, imported["calendar"]!["version"]!.GetValue<int>());
        var daysOff = imported["calendar"]!["daysOff"]!.AsArray();
        Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-05-03" && d["name"]!.GetValue<string>() == "Constitution Day");
        Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-08-02" && d["end"]!.GetValue<string>() == "2027-08-15");

        // A plain text/calendar body works too, and a day already there is not added twice.
        var body = new StringContent(Ics("BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\nSUMMARY:Constitution Day\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var again = await (await api.PostAsync("/api/calendar/days-off/import", body)).Json(HttpStatusCode.OK);
        Assert.Equal(2, again["calendar"]!["version"]!.GetValue<int>());
        Assert.Equal(2, again["calendar"]!["daysOff"]!.AsArray().Count);

        // Imported once, for every client: Monday 3 May 2027 is off, a message that morning is promised for Tuesday.
        foreach (var client in new[] { await NewClientAsync(api), await NewClientAsync(api) })
        {
            var preview = await Preview(api, client, "2027-05-03T07:00:00Z", "telegram", "normal");
            Assert.StartsWith("2027-05-04T13:00:00+02", preview["dueInOurZone"]!["at"]!.GetValue<string>());
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_MalformedCalendar_Is400AndChangesNothing(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var body = new StringContent("BEGIN:VEVENT\r\nDTSTART:yesterday\r\n", Encoding.UTF8, "text/calendar");
        var problem = await (await api.PostAsync("/api/calendar/days-off/import", body)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("ical.malformed", problem["rule"]!.GetValue<string>());
        Assert.Equal("daysOff.calendar", problem["field"]!.GetValue<string>());
        Assert.False((await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_SecondlyRuleSince1900_FinishesWithABoundedResult(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var body = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:tick@test\r\nDTSTART:19000101T000000Z\r\nDTEND:19000101T000001Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Tick\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20300503\r\nSUMMARY:Far ahead\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var clock = Stopwatch.StartNew();
        var response = await app.Api().PostAsync("/api/calendar/days-off/import", body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        // Seconds ticking from today on collapse into days off from today, two years of them: either
        // stored as such, or refused by the calendar's rules (no working time left); never a 500.
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var daysOff = (await response.Json(HttpStatusCode.OK))["calendar"]!["daysOff"]!.AsArray();
            Assert.True(daysOff.Count <= 731);
            Assert.DoesNotContain(daysOff, d => d!["start"]!.GetValue<string>() == "2030-05-03");
        }
        else
        {
            Assert.Equal("calendar.no-working-hours", (await response.Json(HttpStatusCode.BadRequest))["rule"]!.GetValue<string>());
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_OversizeFile_IsRefusedAndNothingStored(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var filler = "BEGIN:VEVENT\r\nUID:x@test\r\nDTSTART;VALUE=DATE:20270503\r\nSUMMARY:" + new string('x', 1000) + "\r\nEND:VEVENT\r\n";
        foreach (var megabytes in new[] { 2, 10 })
        {
            var text = Ics(string.Concat(Enumerable.Repeat(filler, megabytes * 1024 * 1024 / filler.Length)));
            using var form = new MultipartFormDataContent();
            var file = new StringContent(text, Encoding.UTF8);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/calendar");
            form.Add(file, "file", "huge.ics");
            var response = await api.PostAsync("/api/calendar/days-off/import", form);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{megabytes} MB: {(int)response.StatusCode}");

            var plain = await api.PostAsync("/api/calendar/days-off/import", new StringContent(text, Encoding.UTF8, "text/calendar"));
            Assert.True(plain.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{megabytes} MB body: {(int)plain.StatusCode}");
        }
        var small = await (await api.PostAsync("/api/calendar/days-off/import",
            new StringContent(Ics(new string(' ', ICalendarDaysOff.MaxTextLength)), Encoding.UTF8, "text/calendar"))).Json(HttpStatusCode.BadRequest);
        Assert.Equal("ical.too-large", small["rule"]!.GetValue<string>());
        Assert.Equal("daysOff.calendar", small["field"]!.GetValue<string>());
        Assert.False((await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_CancelledEventsAndInstances_AreIgnored(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var body = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART;VALUE=DATE:20270505\r\nSTATUS:CANCELLED\r\nSUMMARY:Called off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nDTSTART;VALUE=DATE:20270503\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;VALUE=DATE:20270510\r\nSUMMARY:Monday off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:w@test\r\nRECURRENCE-ID;VALUE=DATE:20270517\r\nDTSTART;VALUE=DATE:20270517\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var imported = await (await app.Api().PostAsync("/api/calendar/days-off/import", body)).Json(HttpStatusCode.OK);
        Assert.Equal(["2027-05-03"], imported["calendar"]!["daysOff"]!.AsArray().Select(d => d!["start"]!.GetValue<string>()));
    }
}
