using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Agreements;

/// <summary>
/// The working agreement over the API. One class (split by concern into partial files) because the
/// workspace template is shared by the server: its tests change it and put it back, and xUnit runs
/// one class's tests one after another.
/// </summary>
public partial class AgreementsApiTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agreement_ClientWithoutOne_IsStartedFromTheTemplateButNotStored(DatabaseProvider db)
    {
        var (api, id, _) = await NewClient(db);
        var view = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.False(view["stored"]!.GetValue<bool>());
        Assert.Equal(0, view["version"]!.GetValue<int>());
        var terms = view["terms"]!;
        Assert.Equal("Europe/Warsaw", terms["clientTimeZone"]!.GetValue<string>());
        Assert.Equal("09:00:00", terms["contactHours"]!["monday"]![0]!["start"]!.GetValue<string>());
        Assert.Empty(terms["contactHours"]!["saturday"]!.AsArray());
        // Our zone, hours, days off and check windows are the workspace calendar's, not the client's.
        foreach (var ours in new[] { "ourTimeZone", "workingHours", "daysOff", "checkWindows" }) Assert.Null(terms[ours]);
        Assert.Equal("en", terms["language"]!.GetValue<string>());
        Assert.Equal(["en", "pl", "ru", "bg"], view["acknowledgements"]!.AsArray().Select(a => a!["language"]!.GetValue<string>()));
        Assert.Empty((await (await api.GetAsync($"/api/clients/{id}/agreement/versions")).Json(HttpStatusCode.OK)).AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agreement_SavedTwice_MakesVersionsWithTheChangesInWords(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        var first = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        Assert.True(first["stored"]!.GetValue<bool>());
        Assert.Equal(1, first["version"]!.GetValue<int>());

        terms["contactHours"]!["friday"] = Ranges(("09:00:00", "13:00:00"));
        var second = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        Assert.Equal(2, second["version"]!.GetValue<int>());
        var change = Assert.Single(second["changes"]!.AsArray());
        Assert.Equal("contactHours.friday", change!["field"]!.GetValue<string>());
        Assert.Contains("13:00", change["after"]!.GetValue<string>());
        Assert.Contains("Friday", change["label"]!.GetValue<string>());
        Assert.True(second["effectiveFrom"]!.GetValue<string>().CompareTo(first["effectiveFrom"]!.GetValue<string>()) > 0);

        var versions = (await (await api.GetAsync($"/api/clients/{id}/agreement/versions")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal("contactHours.friday", versions[1]!["changes"]![0]!["field"]!.GetValue<string>());
        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        Assert.Equal(2, current["version"]!.GetValue<int>());
        Assert.Equal("13:00:00", current["terms"]!["contactHours"]!["friday"]![0]!["end"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agreement_UnknownClient_Is404(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/clients/987654321/agreement")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/clients/987654321/promise-preview")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WorkingTogether_IsInTheClientsLanguage(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["language"] = "pl";
        terms["clientTimeZone"] = "Europe/Sofia";
        await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);

        var doc = await (await api.GetAsync($"/api/clients/{id}/working-together")).Json(HttpStatusCode.OK);
        Assert.Equal("pl", doc["language"]!.GetValue<string>());
        Assert.Equal(1, doc["agreementVersion"]!.GetValue<int>());
        Assert.NotEmpty(doc["sections"]!.AsArray());
        var markdown = doc["markdown"]!.GetValue<string>();
        Assert.StartsWith("# ", markdown);
        Assert.Contains("Olga Owner", markdown);
        // Our 09:00–17:00 in Warsaw is 10:00–18:00 in Sofia.
        Assert.Contains("10:00", markdown);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SpeakingAsWe_IsTheSameInTheAcknowledgementAndTheDocument(DatabaseProvider db)
    {
        var (api, id, terms) = await NewClient(db);
        terms["language"] = "pl";
        Assert.Equal("i", terms["speakingAs"]!.GetValue<string>()); // a freelancer alone, unless the owner says otherwise
        terms["speakingAs"] = "we";
        var saved = await (await PutTerms(api, id, terms)).Json(HttpStatusCode.OK);
        Assert.Equal("we", saved["terms"]!["speakingAs"]!.GetValue<string>());

        var doc = await (await api.GetAsync($"/api/clients/{id}/working-together")).Json(HttpStatusCode.OK);
        Assert.Contains("Kiedy pracujemy", doc["markdown"]!.GetValue<string>());
        var preview = await Preview(api, id, "2031-01-10T17:30:00Z", "telegram", "normal");
        Assert.StartsWith("Dziękujemy za wiadomość. Odpowiemy", preview["acknowledgements"]!["pl"]!.GetValue<string>());

        // The editor sends every text back as it showed it: unedited defaults still follow the choice.
        var current = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        terms["speakingAs"] = "i";
        await (await api.PutAsJsonAsync($"/api/clients/{id}/agreement", new { terms, acknowledgements = current["acknowledgements"] })).Json(HttpStatusCode.OK);
        preview = await Preview(api, id, "2031-01-10T17:30:00Z", "telegram", "normal");
        Assert.StartsWith("Dziękuję za wiadomość. Odpowiem", preview["acknowledgements"]!["pl"]!.GetValue<string>());

        terms["speakingAs"] = "They";
        Assert.Equal(HttpStatusCode.BadRequest, (await PutTerms(api, id, terms)).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TimeZones_SearchByCity_FindsTheZone(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var warsaw = (await (await api.GetAsync("/api/time-zones?search=warsaw")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Equal("Europe/Warsaw", warsaw[0]!["zoneId"]!.GetValue<string>());
        var kyiv = (await (await api.GetAsync($"/api/time-zones?search={Uri.EscapeDataString("Kiev")}")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Contains(kyiv, m => m!["zoneId"]!.GetValue<string>() == "Europe/Kyiv");
        Assert.Empty((await (await api.GetAsync("/api/time-zones?search=")).Json(HttpStatusCode.OK)).AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Template_Saved_StartsNewClientsAndLeavesStoredAgreementsAlone(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var (_, stored, storedTerms) = await NewClient(db);
        await (await PutTerms(api, stored, storedTerms)).Json(HttpStatusCode.OK);
        var original = await (await api.GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
        try
        {
            var template = original["terms"]!.DeepClone();
            template["language"] = "ru";
            template["clientTimeZone"] = "Europe/Sofia";
            var acknowledgements = new JsonArray(new JsonObject { ["language"] = "ru", ["text"] = "Получили. Ответим {deadline}." });
            var saved = await (await api.Put("/api/agreement-template", new { terms = template, acknowledgements })).Json(HttpStatusCode.OK);
            Assert.True(saved["stored"]!.GetValue<bool>());

            var read = await (await api.GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
            Assert.Equal("Europe/Sofia", read["terms"]!["clientTimeZone"]!.GetValue<string>());
            Assert.Equal("Получили. Ответим {deadline}.", read["acknowledgements"]!.AsArray().Single(a => a!["language"]!.GetValue<string>() == "ru")!["text"]!.GetValue<string>());

            var (_, fresh, freshTerms) = await NewClient(db);
            Assert.Equal("ru", freshTerms["language"]!.GetValue<string>());
            Assert.Equal("Europe/Sofia", freshTerms["clientTimeZone"]!.GetValue<string>());
            var preview = await (await api.GetAsync($"/api/clients/{fresh}/promise-preview?receivedAt=2027-01-12T10:00:00Z&channel=email")).Json(HttpStatusCode.OK);
            Assert.StartsWith("Получили. Ответим ", preview["acknowledgement"]!.GetValue<string>());

            var untouched = await (await api.GetAsync($"/api/clients/{stored}/agreement")).Json(HttpStatusCode.OK);
            Assert.Equal("Europe/Warsaw", untouched["terms"]!["clientTimeZone"]!.GetValue<string>());
        }
        finally
        {
            await (await api.Put("/api/agreement-template", new { terms = original["terms"], acknowledgements = original["acknowledgements"] })).Json(HttpStatusCode.OK);
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Template_Invalid_Is400AndKeepsTheOldOne(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var original = await (await api.GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
        var template = original["terms"]!.DeepClone();
        template["clientTimeZone"] = "Europe/Warszawa";
        var problem = await (await api.Put("/api/agreement-template", new { terms = template })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("clientTimeZone", problem["field"]!.GetValue<string>());
        var read = await (await api.GetAsync("/api/agreement-template")).Json(HttpStatusCode.OK);
        Assert.Equal(original["terms"]!["clientTimeZone"]!.GetValue<string>(), read["terms"]!["clientTimeZone"]!.GetValue<string>());
    }

    private async Task<(HttpClient Api, long ClientId, JsonNode Terms)> NewClient(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var id = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Agreement ") })).Json(HttpStatusCode.Created)).Id();
        var view = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);
        return (api, id, view["terms"]!.DeepClone());
    }

    private static Task<HttpResponseMessage> PutTerms(HttpClient api, long id, JsonNode terms) =>
        api.PutAsJsonAsync($"/api/clients/{id}/agreement", new { terms });

    internal static JsonArray Ranges(params (string Start, string End)[] ranges) =>
        new([.. ranges.Select(r => (JsonNode)new JsonObject { ["start"] = r.Start, ["end"] = r.End, ["endsNextDay"] = false })]);

    internal static JsonObject Rule(string? channel, string urgency, decimal amount, string unit) => new()
    {
        ["channel"] = channel, ["urgency"] = urgency, ["within"] = new JsonObject { ["amount"] = amount, ["unit"] = unit },
    };
}
