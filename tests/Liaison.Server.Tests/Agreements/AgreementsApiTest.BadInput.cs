using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Agreements;

public partial class AgreementsApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_OverlappingIntervals_Is400NamingTheWeekday(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["workingHours"]!["wednesday"] = Ranges(("09:00:00", "13:00:00"), ("12:00:00", "15:00:00"));
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("hours.overlap", problem["rule"]!.GetValue<string>());
        Assert.Equal("workingHours.wednesday", problem["field"]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_InvertedInterval_Is400NamingTheWeekday(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["contactHours"]!["tuesday"] = Ranges(("17:00:00", "09:00:00"));
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("hours.inverted", problem["rule"]!.GetValue<string>());
        Assert.Equal("contactHours.tuesday", problem["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_UnknownTimeZone_Is400WithTheClosestZones(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["clientTimeZone"] = "Europe/Warsow";
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("timezone.unknown", problem["rule"]!.GetValue<string>());
        Assert.Equal("clientTimeZone", problem["field"]!.GetValue<string>());
        Assert.Equal("Europe/Warsaw", problem["suggestions"]![0]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_NoWorkingHoursAndNoRoundTheClockDuty_Is400SayingWhy(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["workingHours"] = new JsonObject();
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("agreement.never-answers", problem["rule"]!.GetValue<string>());
        Assert.Equal("workingHours", problem["field"]!.GetValue<string>());
        Assert.Contains("no working hours", problem["title"]!.GetValue<string>());

        // With 24/7 duty for everything the same hours are fine.
        terms["roundTheClock"] = new JsonArray(new JsonObject { ["channel"] = null, ["urgency"] = null });
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_UnreadableTerms_Is400NamingThePath(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["channels"]!["preferred"] = "E mail!";
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("terms.channels.preferred", problem["field"]!.GetValue<string>());

        var missing = await (await api.Put($"/api/clients/{id}/agreement", new { acknowledgements = Array.Empty<object>() })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("terms", missing["field"]!.GetValue<string>());
        await AssertNothingStored(api, id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_AcknowledgementWithUnknownPlaceholderOrNoDeadline_Is400NamingTheLanguage(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        var unknown = new JsonArray(new JsonObject { ["language"] = "pl", ["text"] = "Dziękuję, {client_name}! Odpowiem {deadline}." });
        var problem = await (await api.Put($"/api/clients/{id}/agreement", new { terms, acknowledgements = unknown })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("acknowledgement.unknown-placeholder", problem["rule"]!.GetValue<string>());
        Assert.Equal("acknowledgement.pl", problem["field"]!.GetValue<string>());

        var noDeadline = new JsonArray(new JsonObject { ["language"] = "bg", ["text"] = "Благодаря!" });
        problem = await (await api.Put($"/api/clients/{id}/agreement", new { terms, acknowledgements = noDeadline })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("acknowledgement.no-deadline", problem["rule"]!.GetValue<string>());
        Assert.Equal("acknowledgement.bg", problem["field"]!.GetValue<string>());
        await AssertNothingStored(api, id);

        var fine = new JsonArray(new JsonObject { ["language"] = "en", ["text"] = "Got it, answering {deadline}." });
        var saved = await (await api.Put($"/api/clients/{id}/agreement", new { terms, acknowledgements = fine })).Json(HttpStatusCode.OK);
        Assert.Equal("Got it, answering {deadline}.", saved["acknowledgements"]![0]!["text"]!.GetValue<string>());
        var preview = await Preview(api, id, "2027-01-12T08:30:00Z", "email", "normal");
        Assert.StartsWith("Got it, answering by ", preview["acknowledgement"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_BadParameters_Are400NamingTheField(DatabaseProvider db)
    {
        var (api, id, _) = await NewClient(db);
        foreach (var (query, field) in new[]
        {
            ("receivedAt=yesterday&channel=email&urgency=normal", "receivedAt"),
            ("receivedAt=2027-01-12T08:30:00Z&channel=E%20mail!&urgency=normal", "channel"),
            ("receivedAt=2027-01-12T08:30:00Z&channel=email&urgency=asap", "urgency"),
        })
        {
            var problem = await (await api.GetAsync($"/api/clients/{id}/promise-preview?{query}")).Json(HttpStatusCode.BadRequest);
            Assert.Equal(field, problem["field"]!.GetValue<string>());
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_IcsFile_AddsTheDaysAsANewVersion(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        using var form = new MultipartFormDataContent();
        var file = new StringContent(Ics(
            "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\nSUMMARY:Constitution Day\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20270802\r\nDTEND;VALUE=DATE:20270816\r\nSUMMARY:Vacation\r\nEND:VEVENT\r\n"), Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/calendar");
        form.Add(file, "file", "days-off.ics");
        var imported = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", form)).Json(HttpStatusCode.OK);
        Assert.Equal(2, imported["version"]!.GetValue<int>());
        var daysOff = imported["terms"]!["daysOff"]!.AsArray();
        Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-05-03" && d["name"]!.GetValue<string>() == "Constitution Day");
        Assert.Contains(daysOff, d => d!["start"]!.GetValue<string>() == "2027-08-02" && d["end"]!.GetValue<string>() == "2027-08-15");
        Assert.Contains(imported["changes"]!.AsArray(), c => c!["field"]!.GetValue<string>() == "daysOff");

        // A plain text/calendar body works too, and a day already there is not added twice.
        var body = new StringContent(Ics("BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\nSUMMARY:Constitution Day\r\nEND:VEVENT\r\n"), Encoding.UTF8, "text/calendar");
        var again = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", body)).Json(HttpStatusCode.OK);
        Assert.Equal(3, again["version"]!.GetValue<int>());
        Assert.Equal(2, again["terms"]!["daysOff"]!.AsArray().Count);

        // Monday 3 May 2027 is off: a message that morning is promised for Tuesday.
        var preview = await Preview(api, id, "2027-05-03T07:00:00Z", "telegram", "normal");
        Assert.StartsWith("2027-05-04T13:00:00+02", preview["dueInOurZone"]!["at"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ImportDaysOff_MalformedCalendar_Is400AndChangesNothing(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        var body = new StringContent("BEGIN:VEVENT\r\nDTSTART:yesterday\r\n", Encoding.UTF8, "text/calendar");
        var problem = await (await api.PostAsync($"/api/clients/{id}/agreement/days-off/import", body)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("ical.malformed", problem["rule"]!.GetValue<string>());
        Assert.Equal("daysOff.calendar", problem["field"]!.GetValue<string>());

        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.Equal(1, current["version"]!.GetValue<int>());
        Assert.Empty(current["terms"]!["daysOff"]!.AsArray());
    }

    private static string Ics(string events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Liaison tests//EN\r\n" + events + "END:VCALENDAR\r\n";

    private static async Task AssertNothingStored(HttpClient api, long id)
    {
        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.False(current["stored"]!.GetValue<bool>());
    }
}
