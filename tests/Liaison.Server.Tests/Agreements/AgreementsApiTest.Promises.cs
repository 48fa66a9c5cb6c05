using System.Net;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Agreements;

public partial class AgreementsApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_ReceivedFridayEvening_FallsOnMonday(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        // 2027-01-08 is a Friday; 18:30 in Warsaw is after our 17:00 close.
        var preview = await Preview(api, id, "2027-01-08T17:30:00Z", "telegram", "normal");
        Assert.Equal("2027-01-11T12:00:00Z", preview["due"]!.GetValue<string>()); // Monday 13:00 Warsaw: 4 working hours from 09:00
        Assert.StartsWith("2027-01-11T13:00:00+01", preview["dueInClientZone"]!["at"]!.GetValue<string>());
        Assert.Equal("Europe/Warsaw", preview["dueInOurZone"]!["timeZone"]!.GetValue<string>());
        Assert.Equal(1, preview["agreementVersion"]!.GetValue<int>());
        Assert.Equal(0, preview["calendarVersion"]!.GetValue<int>()); // the workspace has not saved its calendar: the default
        Assert.Contains("Monday", preview["acknowledgement"]!.GetValue<string>());
        var all = preview["acknowledgements"]!.AsObject();
        Assert.Equal(["en", "pl", "ru", "bg"], all.Select(p => p.Key));
        Assert.Contains("poniedziałek", all["pl"]!.GetValue<string>());
        Assert.Contains("понедельник", all["ru"]!.GetValue<string>());
        Assert.Contains("понеделник", all["bg"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_Urgent_IsNotHeldForTheCheckWindow(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["responseTimes"] = new JsonArray(
            Rule(null, "urgent", 30, "workingMinutes"), Rule("telegram", "normal", 30, "workingMinutes"), Rule(null, "normal", 1, "workingDays"));
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        // Tuesday 09:30 Warsaw: a normal message waits for the 13:00 check window, an urgent one does not.
        var normal = await Preview(api, id, "2027-01-12T08:30:00Z", "telegram", "normal");
        Assert.Equal("2027-01-12T12:00:00Z", normal["due"]!.GetValue<string>());
        var urgent = await Preview(api, id, "2027-01-12T08:30:00Z", "telegram", "urgent");
        Assert.Equal("2027-01-12T09:00:00Z", urgent["due"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_ReceivedBeforeANewVersion_KeepsTheOldTerms(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        // Counted in elapsed time (24/7 duty), so the two promises differ by exactly what the terms do, whenever the test runs.
        terms["roundTheClock"] = new JsonArray(new JsonObject { ["channel"] = null, ["urgency"] = null });
        terms["responseTimes"] = new JsonArray(Rule(null, "urgent", 1, "workingHours"), Rule(null, "normal", 1, "workingHours"));
        var first = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        terms["responseTimes"] = new JsonArray(Rule(null, "urgent", 1, "workingHours"), Rule(null, "normal", 5, "workingHours"));
        var second = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        Assert.Contains(second["changes"]!.AsArray(), c => c!["field"]!.GetValue<string>() == "responseTimes.any.normal");

        var underFirst = await Preview(api, id, first["effectiveFrom"]!.GetValue<string>(), "email", "normal");
        var underSecond = await Preview(api, id, second["effectiveFrom"]!.GetValue<string>(), "email", "normal");
        Assert.Equal(1, underFirst["agreementVersion"]!.GetValue<int>());
        Assert.Equal(2, underSecond["agreementVersion"]!.GetValue<int>());
        // Both arrive within a second of each other; the promises differ by the four hours the terms differ by.
        var dueFirst = DateTimeOffset.Parse(underFirst["due"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var dueSecond = DateTimeOffset.Parse(underSecond["due"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((dueSecond - dueFirst).TotalHours, 3.9, 4.1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_WithoutStoredAgreement_UsesTheTemplateAsVersionZero(DatabaseProvider db)
    {
        var (api, id, _) = await NewClient(db);
        var preview = await Preview(api, id, "2027-01-12T08:30:00Z", "email", "urgent");
        Assert.Equal(0, preview["agreementVersion"]!.GetValue<int>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task PromisePreview_WithoutAChannel_IsForAMessageOnTheClientsPreferredChannel(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["channels"]!["preferred"] = "telegram";
        terms["responseTimes"] = new JsonArray(
            Rule(null, "urgent", 1, "workingHours"), Rule("telegram", "normal", 2, "workingHours"), Rule(null, "normal", 3, "workingDays"));
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        var unnamed = await (await api.GetAsync($"/api/clients/{id}/promise-preview?receivedAt={Uri.EscapeDataString("2027-01-12T08:30:00Z")}")).Json(HttpStatusCode.OK);
        var telegram = await Preview(api, id, "2027-01-12T08:30:00Z", "telegram", "normal");
        Assert.Equal(telegram["due"]!.GetValue<string>(), unnamed["due"]!.GetValue<string>());
        Assert.NotEqual((await Preview(api, id, "2027-01-12T08:30:00Z", "email", "normal"))["due"]!.GetValue<string>(), unnamed["due"]!.GetValue<string>());
    }

    internal static async Task<JsonNode> Preview(HttpClient api, long id, string receivedAt, string channel, string urgency) =>
        await (await api.GetAsync($"/api/clients/{id}/promise-preview?receivedAt={Uri.EscapeDataString(receivedAt)}&channel={channel}&urgency={urgency}"))
            .Json(HttpStatusCode.OK);
}
