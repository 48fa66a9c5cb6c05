using System.Net;
using System.Net.Http.Headers;
using Liaison.Server.Tests.Clients;

namespace Liaison.Server.Tests.Attachments;

public class NoteAttachmentTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SameFileAttachedTwice_IsStoredOnceAndDownloadsIntact(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, "Files");
        var noteId = (await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "meeting", text = "Whiteboard photos" })).Json(HttpStatusCode.Created)).Id();
        var bytes = new byte[300_000];
        Random.Shared.NextBytes(bytes);

        async Task<System.Text.Json.Nodes.JsonNode> Upload(string name)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", name);
            return await (await api.PostAsync($"/api/clients/{clientId}/notes/{noteId}/attachments", form)).Json(HttpStatusCode.Created);
        }

        var first = await Upload("board.png");
        var second = await Upload("../../etc/board-copy.png");

        var sha = first["sha256"]!.GetValue<string>();
        Assert.Equal(sha, second["sha256"]!.GetValue<string>());
        Assert.Equal("board-copy.png", second["fileName"]!.GetValue<string>());
        Assert.Single(Directory.GetFiles(Path.Combine(app.DataDirectory, "attachments"), sha, SearchOption.AllDirectories));
        Assert.Equal(bytes, await api.GetByteArrayAsync(first["url"]!.GetValue<string>()));
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal(2, timeline["items"]![0]!["attachments"]!.AsArray().Count);
    }
}
