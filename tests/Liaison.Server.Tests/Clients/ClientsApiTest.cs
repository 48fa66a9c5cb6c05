using System.Net;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Clients;

public class ClientsApiTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Client_CreatedThenEdited_ReadsBackAsSaved(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var created = await (await api.Post("/api/clients", new { name = "  Acme Sp. z o.o. ", about = "Shop redesign" })).Json(HttpStatusCode.Created);
        Assert.Equal("Acme Sp. z o.o.", created["name"]!.GetValue<string>());

        await (await api.Put($"/api/clients/{created.Id()}", new { name = "Acme S.A.", about = "Shop and app" })).Json(HttpStatusCode.OK);
        var read = await (await api.GetAsync($"/api/clients/{created.Id()}")).Json(HttpStatusCode.OK);
        Assert.Equal("Acme S.A.", read["name"]!.GetValue<string>());
        Assert.Equal("Shop and app", read["about"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ClientList_SearchByName_IgnoresCaseInLatinAndCyrillic(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var tag = ApiCalls.Unique("");
        await api.Post("/api/clients", new { name = $"Иван Петров {tag}" });
        await api.Post("/api/clients", new { name = $"Żaneta Łęcka {tag}" });
        await api.Post("/api/clients", new { name = $"Other {tag}" });

        var cyrillic = await (await api.GetAsync($"/api/clients?search={Uri.EscapeDataString("иВАН")}")).Json(HttpStatusCode.OK);
        Assert.Contains(cyrillic.AsArray(), c => c!["name"]!.GetValue<string>() == $"Иван Петров {tag}");
        var polish = await (await api.GetAsync($"/api/clients?search={Uri.EscapeDataString("ŁĘCKA " + tag.ToUpperInvariant())}")).Json(HttpStatusCode.OK);
        Assert.Equal([$"Żaneta Łęcka {tag}"], polish.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Client_WithoutName_Is400NamingTheField(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var problem = await (await api.Post("/api/clients", new { name = "  " })).Json(HttpStatusCode.BadRequest);
        Assert.Equal("name", problem["field"]!.GetValue<string>());
        Assert.Equal("client.name.required", problem["rule"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delete_ArchivesTheClient_AndRestoreBringsItBack(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var name = ApiCalls.Unique("Archived ");
        var id = (await (await api.Post("/api/clients", new { name })).Json(HttpStatusCode.Created)).Id();

        await (await api.DeleteAsync($"/api/clients/{id}")).Json(HttpStatusCode.NoContent);
        var active = await (await api.GetAsync($"/api/clients?search={Uri.EscapeDataString(name)}")).Json(HttpStatusCode.OK);
        Assert.Empty(active.AsArray());
        var archived = await (await api.GetAsync($"/api/clients?archived=true&search={Uri.EscapeDataString(name)}")).Json(HttpStatusCode.OK);
        Assert.Single(archived.AsArray());

        await (await api.PostAsync($"/api/clients/{id}/restore", null)).Json(HttpStatusCode.OK);
        active = await (await api.GetAsync($"/api/clients?search={Uri.EscapeDataString(name)}")).Json(HttpStatusCode.OK);
        Assert.Single(active.AsArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeleteForGood_NeedsConfirmation_AndWithMessagesNeedsAnExportFirst(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var email = $"{ApiCalls.Unique("del")}@example.com";
        var id = (await (await api.Post("/api/clients", new { name = "To delete" })).Json(HttpStatusCode.Created)).Id();
        await (await api.Post($"/api/clients/{id}/contacts", new { name = "Kim", identities = new[] { new { kind = "email", address = email } } })).Json(HttpStatusCode.Created);
        await (await api.Post("/api/messages", new { channel = "email", counterpart = email, text = "Please keep this" })).Json(HttpStatusCode.Created);

        var notArchived = await (await api.DeleteAsync($"/api/clients/{id}?permanent=true&confirm=true")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("client.delete.not-archived", notArchived["rule"]!.GetValue<string>());
        await api.DeleteAsync($"/api/clients/{id}");
        var unconfirmed = await (await api.DeleteAsync($"/api/clients/{id}?permanent=true")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("confirm", unconfirmed["field"]!.GetValue<string>());
        var hasMessages = await (await api.DeleteAsync($"/api/clients/{id}?permanent=true&confirm=true")).Json(HttpStatusCode.Conflict);
        Assert.Equal("client.delete.has-messages", hasMessages["rule"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/clients/{id}")).StatusCode);

        var export = await (await api.DeleteAsync($"/api/clients/{id}?permanent=true&confirm=true&export=true")).Json(HttpStatusCode.OK);
        Assert.Equal("Please keep this", export["messages"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/clients/{id}")).StatusCode);
        // The export was on disk while the rows were deleted and came back in the answer; once the client is gone, its copy goes too.
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "exports"), $"client-{id}-*.json"));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UnknownClient_Is404(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/clients/987654321")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/clients/987654321/timeline")).StatusCode);
    }

    internal static async Task<long> NewClient(HttpClient api, string name) =>
        (await (await api.Post("/api/clients", new { name })).Json(HttpStatusCode.Created)).Id();

    internal static async Task<JsonNode> NewContact(HttpClient api, long clientId, string name, params (string Kind, string Address)[] identities) =>
        await (await api.Post($"/api/clients/{clientId}/contacts", new { name, identities = identities.Select(i => new { kind = i.Kind, address = i.Address }) }))
            .Json(HttpStatusCode.Created);
}
