using System.Net;
using System.Security.Cryptography;
using Liaison.Server.Tests.Clients;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using static Liaison.Server.Tests.Email.Mailbox;

namespace Liaison.Server.Tests.Email;

/// <summary>Deleting a client for good leaves nothing of it: rows, raw deliveries, files and export; shared files stay for the others.</summary>
public class DeleteForGoodTest(LiaisonApps apps, MailServers mail)
{
    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static MimeMessage WithFiles(string from, string subject, params (string Name, byte[] Bytes)[] files)
    {
        var message = Mail(from, subject, "Files attached.");
        var body = new BodyBuilder { TextBody = "Files attached." };
        foreach (var (name, bytes) in files) body.Attachments.Add(name, bytes, new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string FileOf(LiaisonApp app, string sha) => Path.Combine(app.DataDirectory, "attachments", sha[..2], sha[2..4], sha);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeleteForGood_RemovesTheClientsDeliveriesFilesAndExport_AndKeepsFilesAnotherClientHas(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var anna = NewClientAddress("anna");
        var boris = NewClientAddress("boris");
        var gone = await ClientsApiTest.NewClient(api, "Leaving client");
        await ClientsApiTest.NewContact(api, gone, "Anna", ("email", anna));
        var staying = await ClientsApiTest.NewClient(api, "Staying client");
        await ClientsApiTest.NewContact(api, staying, "Boris", ("email", boris));
        var shared = Bytes(5_000, 1);
        var annasOwn = Bytes(40_000, 2);
        var annasLarge = Bytes(400_000, 3); // makes her mail larger than a payload row holds: its bytes become a file
        var mailbox = await CreateAsync(app, mail,
            WithFiles(anna, "Anna's papers", ("terms.pdf", shared), ("own.bin", annasOwn)),
            WithFiles(anna, "Anna's big scan", ("scan.bin", annasLarge)),
            WithFiles(boris, "Boris's papers", ("terms.pdf", shared)));
        await mailbox.WaitUntilIdleAsync(3);
        await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == mailbox.ChannelId && m.ClientId != null)), n => n == 3, "the three mails recorded");
        var annasDeliveries = await app.WithDb(d => d.InboundDeliveries.Where(x => x.ChannelId == mailbox.ChannelId).Select(x => new { x.Id, x.Key, x.PayloadSha256 }).ToListAsync());
        var borisMessageId = await app.WithDb(d => d.Messages.Where(m => m.ClientId == staying).Select(m => m.ProviderMessageId!).SingleAsync());
        var borisDelivery = annasDeliveries.Single(x => x.Key == "mid:" + borisMessageId);
        annasDeliveries.Remove(borisDelivery);
        var largePayload = Assert.Single(annasDeliveries, x => x.PayloadSha256 is not null).PayloadSha256!;
        Assert.True(File.Exists(FileOf(app, largePayload)));
        Assert.All(new[] { shared, annasOwn, annasLarge }, b => Assert.True(File.Exists(FileOf(app, Sha(b)))));
        // An export taken earlier, lying in the data directory.
        await (await api.DeleteAsync($"/api/clients/{gone}")).Json(HttpStatusCode.NoContent);
        var exports = Path.Combine(app.DataDirectory, "exports");
        Directory.CreateDirectory(exports);
        await File.WriteAllTextAsync(Path.Combine(exports, $"client-{gone}-1.json"), "{}", TestContext.Current.CancellationToken);

        var export = await (await api.DeleteAsync($"/api/clients/{gone}?permanent=true&confirm=true&export=true")).Json(HttpStatusCode.OK);

        Assert.Equal(2, export["messages"]!.AsArray().Count);
        var ids = annasDeliveries.Select(x => x.Id).ToList();
        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => ids.Contains(x.Id))));
        Assert.Equal(0, await app.WithDb(d => d.InboundPayloads.CountAsync(x => ids.Contains(x.DeliveryId))));
        Assert.Equal(0, await app.WithDb(d => d.Messages.CountAsync(m => m.ClientId == gone)));
        Assert.False(File.Exists(FileOf(app, largePayload)));
        Assert.False(File.Exists(FileOf(app, Sha(annasOwn))));
        Assert.False(File.Exists(FileOf(app, Sha(annasLarge))));
        Assert.Empty(Directory.GetFiles(exports, $"client-{gone}-*"));
        // What Boris sent is untouched: his delivery, his message and the file both clients had.
        Assert.True(File.Exists(FileOf(app, Sha(shared))));
        Assert.Equal(1, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.Id == borisDelivery.Id)));
        Assert.Equal(1, await app.WithDb(d => d.InboundPayloads.CountAsync(x => x.DeliveryId == borisDelivery.Id)));
        var timeline = await (await api.GetAsync($"/api/clients/{staying}/timeline")).Json(HttpStatusCode.OK);
        var attachment = Assert.Single(Assert.Single(timeline["items"]!.AsArray())!["attachments"]!.AsArray())!;
        Assert.Equal(shared, await api.GetByteArrayAsync(attachment["url"]!.GetValue<string>()));
    }
}
