using System.Net;
using Liaison.Server.Tests.Clients;

namespace Liaison.Server.Tests.UnknownSenders;

public class UnknownSendersApiTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MessageFromUnknownAddress_WaitsInTheList_UntilAClientIsCreatedFromIt(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var email = $"{ApiCalls.Unique("stranger")}@example.com";
        var recorded = await (await api.Post("/api/messages", new { channel = "email", counterpart = email, counterpartName = "Stan Stranger", text = "Do you build shops?" }))
            .Json(HttpStatusCode.Created);
        Assert.Null(recorded["clientId"]);

        var list = await (await api.GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK);
        var sender = list.AsArray().Single(s => s!["address"]!.GetValue<string>() == email)!;
        Assert.Equal("Do you build shops?", sender["lastMessage"]!.GetValue<string>());
        Assert.Equal(1, sender["messageCount"]!.GetValue<int>());

        var client = await (await api.Post($"/api/unknown-senders/{sender.Id()}/create-client", new { })).Json(HttpStatusCode.Created);
        Assert.Equal("Stan Stranger", client["name"]!.GetValue<string>());
        var timeline = await (await api.GetAsync($"/api/clients/{client.Id()}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal("Do you build shops?", timeline["items"]![0]!["text"]!.GetValue<string>());
        list = await (await api.GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(list.AsArray(), s => s!["address"]!.GetValue<string>() == email);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UnknownSender_AttachedToExistingContact_BringsItsMessagesAlong(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var phone = $"+48 601 {Random.Shared.Next(100, 999)} {Random.Shared.Next(100, 999)}";
        await api.Post("/api/messages", new { channel = "whatsapp", counterpart = phone, text = "Here is my private number", occurredAt = "2026-11-21T08:00:00Z" });
        await api.Post("/api/messages", new { channel = "whatsapp", counterpart = phone, text = "And a photo", occurredAt = "2026-11-21T08:01:00Z" });
        var clientId = await ClientsApiTest.NewClient(api, "Known company");
        var contactId = (await ClientsApiTest.NewContact(api, clientId, "Kasia", ("email", $"{ApiCalls.Unique("k")}@example.com"))).Id();
        var waId = new string(phone.Where(char.IsDigit).ToArray());
        var sender = (await (await api.GetAsync("/api/unknown-senders")).Json(HttpStatusCode.OK)).AsArray()
            .Single(s => s!["address"]!.GetValue<string>() == waId)!;
        Assert.Equal(2, sender["messageCount"]!.GetValue<int>());

        var contact = await (await api.Post($"/api/unknown-senders/{sender.Id()}/attach", new { contactId })).Json(HttpStatusCode.OK);

        Assert.Contains(contact["identities"]!.AsArray(), i => i!["kind"]!.GetValue<string>() == "whatsapp" && i["address"]!.GetValue<string>() == waId);
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal(["And a photo", "Here is my private number"], timeline["items"]!.AsArray().Select(i => i!["text"]!.GetValue<string>()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task AddingTheAddressToAContact_PlacesMessagesThatWereWaiting(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var telegram = "88" + Random.Shared.Next(1000000, 9999999);
        await api.Post("/api/messages", new { channel = "telegram", counterpart = telegram, text = "hello?" });
        var clientId = await ClientsApiTest.NewClient(api, "Late link");

        await ClientsApiTest.NewContact(api, clientId, "Tom", ("telegram", telegram));

        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal("hello?", timeline["items"]![0]!["text"]!.GetValue<string>());
    }
}
