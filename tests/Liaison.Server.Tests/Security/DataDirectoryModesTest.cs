using System.Net;
using System.Net.Http.Headers;
using Liaison.Server.Tests.Clients;

namespace Liaison.Server.Tests.Security;

/// <summary>Everything under the data directory is the owner's alone: folders 0700, files 0600.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
public class DataDirectoryModesTest
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static List<string> WrongModes(string root)
    {
        var wrong = new List<string>();
        if (File.GetUnixFileMode(root) != Folder) wrong.Add($". {File.GetUnixFileMode(root)}");
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var expected = entry is DirectoryInfo ? Folder : File600;
            if (entry.UnixFileMode != expected) wrong.Add($"{Path.GetRelativePath(root, entry.FullName)} {entry.UnixFileMode}");
        }
        return wrong;
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task EverythingUnderTheDataDirectory_IsOwnerOnly_AndIsMadeSoAtStartUp(DatabaseProvider db)
    {
        var first = new LiaisonApp(db);
        LiaisonApp? second = null;
        try
        {
            // A data directory as an older version (or a umask of 022) left it: readable by everyone.
            File.SetUnixFileMode(first.DataDirectory, Folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            await first.StartAsync();
            var api = first.Api();
            var clientId = await ClientsApiTest.NewClient(api, "Private client");
            var email = $"{ApiCalls.Unique("p")}@example.com";
            await ClientsApiTest.NewContact(api, clientId, "Pat", ("email", email));
            await (await api.Post("/api/messages", new { channel = "email", counterpart = email, text = "Our secret plan" })).Json(HttpStatusCode.Created);
            var noteId = (await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "meeting", text = "Plans" })).Json(HttpStatusCode.Created)).Id();
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent("the plan"u8.ToArray());
            file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(file, "file", "plan.txt");
            await (await api.PostAsync($"/api/clients/{clientId}/notes/{noteId}/attachments", form)).Json(HttpStatusCode.Created);
            // Data protection writes its first key for the sign-in page's antiforgery token.
            Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync("/login", TestContext.Current.CancellationToken)).StatusCode);
            var exportClient = await ClientsApiTest.NewClient(api, "Exported client");
            await api.DeleteAsync($"/api/clients/{exportClient}");
            await (await api.DeleteAsync($"/api/clients/{exportClient}?permanent=true&confirm=true&export=true")).Json(HttpStatusCode.OK);

            Assert.NotEmpty(Directory.GetFiles(Path.Combine(first.DataDirectory, "attachments"), "*", SearchOption.AllDirectories));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(first.DataDirectory, "keys")));
            if (db == DatabaseProvider.Sqlite) Assert.True(File.Exists(Path.Combine(first.DataDirectory, "liaison.db")));
            Assert.Empty(WrongModes(first.DataDirectory));

            // Loosened behind its back, it is tightened again at the next start.
            foreach (var entry in new DirectoryInfo(first.DataDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                entry.UnixFileMode |= UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            second = first.Successor();
            await first.DisposeAsync();
            await second.StartAsync();
            Assert.Equal(HttpStatusCode.OK, (await second.Api().GetAsync($"/api/clients/{clientId}", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Empty(WrongModes(second.DataDirectory));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            else await first.DisposeAsync();
        }
    }
}
