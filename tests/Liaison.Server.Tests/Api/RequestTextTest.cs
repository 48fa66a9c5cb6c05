using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Api;

/// <summary>
/// NUL characters and over-long text in any field of any API request: a 400 naming the field, with
/// nothing stored (PostgreSQL used to answer 500, SQLite stored the NUL), and a body cap for the API.
/// </summary>
public class RequestTextTest(LiaisonApps apps)
{
    private const string Nul = "\0";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task EveryRequest_NulInAnyField_Is400NamingTheFieldAndStoresNothing(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var tag = ApiCalls.Unique("nul");
        var email = $"{tag}@example.com";
        var client = await (await api.Post("/api/clients", new { name = $"Client {tag}" })).Json(HttpStatusCode.Created);
        var contact = await (await api.Post($"/api/clients/{client.Id()}/contacts", new { name = "Kim", identities = new[] { new { kind = "email", address = email } } })).Json(HttpStatusCode.Created);
        var contactId = contact["id"]!.GetValue<long>();

        foreach (var (method, url, body, field) in new (string, string, object, string)[]
        {
            ("POST", "/api/clients", new { name = $"Evil{Nul} {tag}" }, "name"),
            ("PUT", $"/api/clients/{client.Id()}", new { name = $"Client {tag}", about = $"about{Nul}" }, "about"),
            ("POST", $"/api/clients/{client.Id()}/contacts", new { name = $"K{Nul}m" }, "name"),
            ("POST", $"/api/clients/{client.Id()}/contacts", new { name = "Ann", identities = new[] { new { kind = "email", address = $"ann{Nul}@example.com" } } }, "identities[0].address"),
            ("PUT", $"/api/clients/{client.Id()}/contacts/{contactId}", new { name = "Kim", role = $"boss{Nul}" }, "role"),
            ("POST", $"/api/clients/{client.Id()}/contacts/{contactId}/identities", new { kind = "phone", address = "+48 600 000 000", label = $"work{Nul}" }, "label"),
            ("POST", $"/api/clients/{client.Id()}/notes", new { text = $"call notes{Nul}" }, "text"),
            ("POST", "/api/messages", new { channel = "email", counterpart = email, text = $"hello{Nul}" }, "text"),
            ("POST", "/api/messages", new { channel = "email", counterpart = email, counterpartName = $"Kim{Nul}", text = "hello" }, "counterpartName"),
            ("POST", "/api/tokens", new { name = $"script{Nul}" }, "name"),
            ("POST", "/api/members/invitations", new { email = $"new-{tag}@example.com", displayName = $"New{Nul}" }, "displayName"),
            ("POST", "/api/channels", new { kind = "whatsapp", name = $"wa{Nul}", settings = new Dictionary<string, string> { ["appSecret"] = "s", ["verifyToken"] = "v" } }, "name"),
            ("POST", "/api/channels", new { kind = "whatsapp", name = "wa", settings = new Dictionary<string, string> { ["appSecret"] = $"s{Nul}", ["verifyToken"] = "v" } }, "settings.appSecret"),
        })
        {
            var response = method == "POST" ? await api.Post(url, body) : await api.Put(url, body);
            var problem = await response.Json(HttpStatusCode.BadRequest);
            Assert.Equal("text.nul", problem["rule"]!.GetValue<string>());
            Assert.Equal(field, problem["field"]!.GetValue<string>());
        }
        var search = await (await api.GetAsync($"/api/clients?search=a%00b")).Json(HttpStatusCode.BadRequest);
        Assert.Equal("search", search["field"]!.GetValue<string>());

        // Nothing of it was stored.
        Assert.Equal([$"Client {tag}"], (await (await api.GetAsync($"/api/clients?search={tag}")).Json(HttpStatusCode.OK)).AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var read = await (await api.GetAsync($"/api/clients/{client.Id()}")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(Nul, read.ToJsonString().Replace("\\u0000", Nul, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Single(read["contacts"]!.AsArray());
        Assert.Empty((await (await api.GetAsync($"/api/clients/{client.Id()}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray());
        // Other tests share this server and its tokens: what matters is that no token took the NUL name.
        Assert.DoesNotContain((await (await api.GetAsync("/api/tokens")).Json(HttpStatusCode.OK)).AsArray(), t => t!["name"]!.GetValue<string>().Contains(Nul, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task EveryRequest_OverLongField_Is400NamingTheField(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var tag = ApiCalls.Unique("long");
        var email = $"{tag}@example.com";
        var client = await (await api.Post("/api/clients", new { name = $"Client {tag}" })).Json(HttpStatusCode.Created);
        await (await api.Post($"/api/clients/{client.Id()}/contacts", new { name = "Kim", identities = new[] { new { kind = "email", address = email } } })).Json(HttpStatusCode.Created);

        foreach (var (url, body, field) in new (string, object, string)[]
        {
            ("/api/clients", new { name = "Acme", about = new string('a', 4001) }, "about"),
            ($"/api/clients/{client.Id()}/contacts", new { name = "Kim", role = new string('r', 201) }, "role"),
            ("/api/messages", new { channel = "email", counterpart = email, text = new string('t', 256 * 1024 + 1) }, "text"),
            ("/api/messages", new { channel = "email", counterpart = email, text = "hi", subject = new string('s', 1001) }, "subject"),
            ("/api/tokens", new { name = new string('n', 101) }, "name"),
            ("/api/channels", new { kind = "whatsapp", name = new string('c', 201), settings = new Dictionary<string, string> { ["appSecret"] = "s" } }, "name"),
            ($"/api/clients/{client.Id()}/messages", new { text = new string('t', 256 * 1024 + 1) }, "text"),
        })
        {
            var problem = await (await api.Post(url, body)).Json(HttpStatusCode.BadRequest);
            Assert.Equal("text.too-long", problem["rule"]!.GetValue<string>());
            Assert.Equal(field, problem["field"]!.GetValue<string>());
        }
        Assert.Empty((await (await api.GetAsync($"/api/clients/{client.Id()}/timeline")).Json(HttpStatusCode.OK))["items"]!.AsArray());

        // The longest text allowed is still recorded.
        await (await api.Post("/api/messages", new { channel = "email", counterpart = email, text = new string('t', 256 * 1024) })).Json(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Message_Of28Megabytes_IsRefusedWith413(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var huge = new JsonObject { ["channel"] = "email", ["counterpart"] = "huge@example.com", ["text"] = new string('x', 28 * 1024 * 1024) }.ToJsonString();
        var response = await api.PostAsync("/api/messages", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var unknown = await api.GetStringAsync("/api/unknown-senders");
        Assert.DoesNotContain("huge@example.com", unknown, StringComparison.Ordinal);
    }
}
