using System.Net;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>A mailbox's initial sync is history (backfill); mail that arrives after it is live.</summary>
public class MailboxBackfillTest(LiaisonApps apps, MailServers mail)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MailInTheMailboxBeforeConnecting_IsBackfill_AndMailArrivingAfterTheInitialSyncIsLive(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var anna = NewClientAddress("anna");
        var clientId = await ClientsApiTest.NewClient(app.Api(), "Backfill client");
        await ClientsApiTest.NewContact(app.Api(), clientId, "Anna", ("email", anna));
        var mailbox = await CreateAsync(app, mail, Mail(anna, "Old offer", "From before Liaison."), Mail(anna, "Old question", "Also from before."));
        await mailbox.WaitUntilIdleAsync(2);

        await mail.SendAsync(Mail(anna, "New question", "Sent after connecting.", to: mailbox.Address));

        var items = (await Eventually.Until(
            async () => await (await app.Api().GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK),
            t => t["items"]!.AsArray().Count == 3, "three mails on the timeline", TimeSpan.FromSeconds(30)))["items"]!.AsArray();
        Assert.Equal([("New question", false), ("Old offer", true), ("Old question", true)],
            items.Select(i => (i!["subject"]!.GetValue<string>(), i["backfill"]!.GetValue<bool>())).OrderBy(i => i.Item2).ThenBy(i => i.Item1));
    }
}
