using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Liaison.Server.Tests.Notes;

/// <summary>Notes are edited and deleted; an edit keeps the earlier text in the note's history.</summary>
public class NoteEditingTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Note_EditedTwice_KeepsEachEarlierTextNewestFirst_AndTheTimelineShowsItEdited(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var ct = TestContext.Current.CancellationToken;
        var clientId = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Notes ") })).Json(HttpStatusCode.Created)).Id();
        var noteId = (await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "call", text = "Rozmowa: termin 12 grudnia" })).Json(HttpStatusCode.Created)).Id();

        var first = await (await api.PutAsJsonAsync($"/api/clients/{clientId}/notes/{noteId}", new { text = "Rozmowa: termin 14 grudnia" }, ct)).Json(HttpStatusCode.OK);
        Assert.NotNull(first["editedAt"]);
        await (await api.PutAsJsonAsync($"/api/clients/{clientId}/notes/{noteId}", new { text = "Rozmowa: termin 15 grudnia, faktura po" }, ct)).Json(HttpStatusCode.OK);
        // Saving the same text again is no edit and adds no revision.
        await (await api.PutAsJsonAsync($"/api/clients/{clientId}/notes/{noteId}", new { text = "Rozmowa: termin 15 grudnia, faktura po" }, ct)).Json(HttpStatusCode.OK);

        var revisions = (await (await api.GetAsync($"/api/clients/{clientId}/notes/{noteId}/revisions")).Json(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["Rozmowa: termin 14 grudnia", "Rozmowa: termin 12 grudnia"], revisions.Select(r => r!["text"]!.GetValue<string>()));
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        var item = timeline["items"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "note")!;
        Assert.Equal("Rozmowa: termin 15 grudnia, faktura po", item["text"]!.GetValue<string>());
        Assert.NotNull(item["editedAt"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Note_EditedToNothing_Is400_AndKeepsItsText_ThenDeletedLeavesTheTimeline(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var ct = TestContext.Current.CancellationToken;
        var clientId = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Notes ") })).Json(HttpStatusCode.Created)).Id();
        var noteId = (await (await api.Post($"/api/clients/{clientId}/notes", new { text = "Keep me" })).Json(HttpStatusCode.Created)).Id();

        var problem = await (await api.PutAsJsonAsync($"/api/clients/{clientId}/notes/{noteId}", new { text = "   " }, ct)).Json(HttpStatusCode.BadRequest);
        Assert.Equal("note.text.required", problem["rule"]!.GetValue<string>());
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal("Keep me", timeline["items"]![0]!["text"]!.GetValue<string>());
        Assert.Empty((await (await api.GetAsync($"/api/clients/{clientId}/notes/{noteId}/revisions")).Json(HttpStatusCode.OK)).AsArray());

        await (await api.DeleteAsync($"/api/clients/{clientId}/notes/{noteId}")).Json(HttpStatusCode.NoContent);
        timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Empty(timeline["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/clients/{clientId}/notes/{noteId}/revisions")).StatusCode);
    }
}
