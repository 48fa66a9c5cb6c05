using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Clients;

/// <summary>The client at a glance: where they are, whose agreement applies, what waits, which channels.</summary>
public class ClientGlanceTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Glance_FollowsTheAgreementInForce_AndTheContactsChannels(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var moscow = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("ООО Северный ветер ") })).Json(HttpStatusCode.Created)).Id();
        var fresh = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Fresh ") })).Json(HttpStatusCode.Created)).Id();
        await (await api.Post($"/api/clients/{moscow}/contacts", new
        {
            name = "Ivan Petrov",
            identities = new object[] { new { kind = "telegram", address = "@ivan_petrov" }, new { kind = "email", address = "ivan@veter.example" } },
        })).Json(HttpStatusCode.Created);
        var terms = (await (await api.GetAsync($"/api/clients/{moscow}/agreement")).Json(HttpStatusCode.OK))["terms"]!;
        terms["clientTimeZone"] = "Europe/Moscow";
        terms["language"] = "ru";
        (await api.PutAsJsonAsync($"/api/clients/{moscow}/agreement", new { terms }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var glances = (await (await api.GetAsync($"/api/clients/glances?ids={moscow},{fresh},999999")).Json(HttpStatusCode.OK)).AsArray();

        Assert.Equal(2, glances.Count); // the unknown id is left out
        var m = glances.Single(g => g!["clientId"]!.GetValue<long>() == moscow)!;
        Assert.Equal(("Europe/Moscow", "ru", true), (m["timeZone"]!.GetValue<string>(), m["language"]!.GetValue<string>(), m["ownTerms"]!.GetValue<bool>()));
        Assert.Equal(["email", "telegram"], m["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(0, m["waiting"]!.GetValue<int>());
        var f = glances.Single(g => g!["clientId"]!.GetValue<long>() == fresh)!;
        Assert.False(f["ownTerms"]!.GetValue<bool>());
        Assert.Equal("Europe/Warsaw", f["timeZone"]!.GetValue<string>()); // the template's
        Assert.Empty(f["channels"]!.AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Glance_BadIds_Is400NamingTheField(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        foreach (var (ids, rule) in new[] { ("", "ids.required"), ("1,x", "ids.invalid"), (string.Join(',', Enumerable.Range(1, 201)), "ids.too-many") })
        {
            var problem = await (await api.GetAsync($"/api/clients/glances?ids={ids}")).Json(HttpStatusCode.BadRequest);
            Assert.Equal(("ids", rule), (problem["field"]!.GetValue<string>(), problem["rule"]!.GetValue<string>()));
        }
    }
}
