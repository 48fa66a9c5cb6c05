using System.Net;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Agreements;

public partial class AgreementsApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Put_OverlappingIntervals_Is400NamingTheWeekday(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["contactHours"]!["wednesday"] = Ranges(("09:00:00", "13:00:00"), ("12:00:00", "15:00:00"));
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("hours.overlap", problem["rule"]!.GetValue<string>());
        Assert.Equal("contactHours.wednesday", problem["field"]!.GetValue<string>());
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
    public async Task Put_OurHoursInTheOldShape_Is400PointingToTheCalendar(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["workingHours"] = new JsonObject { ["monday"] = Ranges(("09:00:00", "17:00:00")) };
        var problem = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("agreement.calendar-term", problem["rule"]!.GetValue<string>());
        Assert.Equal("terms.workingHours", problem["field"]!.GetValue<string>());
        Assert.Contains("/api/calendar", problem["title"]!.GetValue<string>());
        await AssertNothingStored(api, id);
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

    private static async Task AssertNothingStored(HttpClient api, long id)
    {
        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.False(current["stored"]!.GetValue<bool>());
    }
}
