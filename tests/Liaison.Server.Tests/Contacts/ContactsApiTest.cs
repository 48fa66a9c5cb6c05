using System.Net;
using Liaison.Server.Tests.Clients;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Contacts;

public class ContactsApiTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Contact_WithEmailTelegramAndPhone_StoresNormalisedIdentities(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Normalised");
        var user = ApiCalls.Unique("Zaneta");
        var contact = await ClientsApiTest.NewContact(api, clientId, "Żaneta",
            ("email", $"{user}@Żółw.PL"), ("telegram", "@" + user), ("phone", $"+48 601 {Random.Shared.Next(100, 999)} {Random.Shared.Next(100, 999)}"),
            ("whatsapp", $"+48 602 {Random.Shared.Next(100, 999)} {Random.Shared.Next(100, 999)}"));

        var identities = contact["identities"]!.AsArray();
        Assert.Contains(identities, i => i!["address"]!.GetValue<string>() == $"{user.ToLowerInvariant()}@xn--w-uga1v8h.pl"
                                          && i["displayAddress"]!.GetValue<string>() == $"{user.ToLowerInvariant()}@żółw.pl");
        Assert.Contains(identities, i => i!["kind"]!.GetValue<string>() == "phone" && i["address"]!.GetValue<string>().StartsWith("+48601", StringComparison.Ordinal));
        // A WhatsApp number is stored as Meta's wa_id (digits, no "+") and shown as a phone number.
        Assert.Contains(identities, i => i!["kind"]!.GetValue<string>() == "whatsapp" && i["address"]!.GetValue<string>().StartsWith("48602", StringComparison.Ordinal)
                                          && i["displayAddress"]!.GetValue<string>().StartsWith("+48 602 ", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Identity_InvalidPhone_Is400NamingTheField(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Bad phone");
        var contactId = (await ClientsApiTest.NewContact(api, clientId, "Kim")).Id();
        var problem = await (await api.Post($"/api/clients/{clientId}/contacts/{contactId}/identities", new { kind = "phone", address = "12" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("address", problem["field"]!.GetValue<string>());
        var badKind = await (await api.Post($"/api/clients/{clientId}/contacts/{contactId}/identities", new { kind = "carrier pigeon", address = "x" })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("kind", badKind["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Identity_OwnedByAnotherContact_Is409NamingThatContact(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var email = $"{ApiCalls.Unique("owned")}@example.com";
        var first = await ClientsApiTest.NewClient(api, "First owner");
        await ClientsApiTest.NewContact(api, first, "Original Owner", ("email", email));
        var second = await ClientsApiTest.NewClient(api, "Second");
        var contactId = (await ClientsApiTest.NewContact(api, second, "Newcomer")).Id();

        var problem = await (await api.Post($"/api/clients/{second}/contacts/{contactId}/identities", new { kind = "email", address = email.ToUpperInvariant() }))
            .Json(HttpStatusCode.Conflict);
        Assert.Contains("Original Owner", problem["title"]!.GetValue<string>());
        Assert.Equal("address", problem["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Contact_WithOneBadIdentity_IsNotCreatedAtAll(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, "Half-way");
        var good = $"{ApiCalls.Unique("good")}@example.com";

        var problem = await (await api.Post($"/api/clients/{clientId}/contacts", new
        {
            name = "Half",
            identities = new[] { new { kind = "email", address = good }, new { kind = "email", address = "broken" } },
        })).Json(HttpStatusCode.BadRequest);

        Assert.Equal("identities[1].address", problem["field"]!.GetValue<string>());
        var client = await (await api.GetAsync($"/api/clients/{clientId}")).Json(HttpStatusCode.OK);
        Assert.Empty(client["contacts"]!.AsArray());
        Assert.False(await app.WithDb(d => d.ContactIdentities.AnyAsync(i => i.Address == good)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Merge_AcrossClients_MovesIdentitiesAndHistoryAndLosesNothing(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var emailA = $"{ApiCalls.Unique("a")}@example.com";
        var emailB = $"{ApiCalls.Unique("b")}@example.com";
        var clientA = await ClientsApiTest.NewClient(api, "Company A");
        var target = (await ClientsApiTest.NewContact(api, clientA, "Anna", ("email", emailA))).Id();
        var clientB = await ClientsApiTest.NewClient(api, "Anna (private)");
        var source = (await ClientsApiTest.NewContact(api, clientB, "Ania", ("email", emailB), ("telegram", "777" + Random.Shared.Next(100000, 999999)))).Id();
        await api.Post("/api/messages", new { channel = "email", counterpart = emailA, text = "from work", occurredAt = "2026-11-01T09:00:00Z" });
        await api.Post("/api/messages", new { channel = "email", counterpart = emailB, text = "from home", occurredAt = "2026-11-02T09:00:00Z" });

        var merged = await (await api.Post($"/api/contacts/{target}/merge", new { sourceContactId = source })).Json(HttpStatusCode.OK);

        Assert.Equal(3, merged["identities"]!.AsArray().Count);
        var timeline = await (await api.GetAsync($"/api/clients/{clientA}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal(["from home", "from work"], timeline["items"]!.AsArray().Select(i => i!["text"]!.GetValue<string>()));
        var later = await (await api.Post("/api/messages", new { channel = "email", counterpart = emailB, text = "again" })).Json(HttpStatusCode.Created);
        Assert.Equal(clientA, later["clientId"]!.GetValue<long>());
        var oldClient = await (await api.GetAsync($"/api/clients/{clientB}")).Json(HttpStatusCode.OK);
        Assert.Empty(oldClient["contacts"]!.AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Merge_IntoItself_Is400(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var clientId = await ClientsApiTest.NewClient(api, "Self");
        var id = (await ClientsApiTest.NewContact(api, clientId, "Solo")).Id();
        var problem = await (await api.Post($"/api/contacts/{id}/merge", new { sourceContactId = id })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("contact.merge.same", problem["rule"]!.GetValue<string>());
    }
}
