using Liaison.Core.Outbound;
using Liaison.Server.Features.Outbox;

namespace Liaison.Server.Tests.Outbox;

public class OutboundContentJsonTest
{
    [Fact]
    public void Document_RoundTripsEveryKindOfContent()
    {
        var content = new OutboundContent("Offer", "Dear Anna,", [new OutboundAttachment(new string('a', 64), "offer.pdf", "application/pdf")],
            "<q@client.test>", ["<root@client.test>", "<q@client.test>"], new OutboundTemplate("invoice_ready", "pl", ["Anna", "12/2026"]),
            MessagePurpose.Reminder, "reminder:invoice:12");

        var read = OutboundContentJson.Read(OutboundContentJson.Write(content));

        Assert.Equal(OutboundContentJson.Write(content), OutboundContentJson.Write(read));
        Assert.Equal((1, "offer.pdf", "invoice_ready", "12/2026", MessagePurpose.Reminder, "<root@client.test>"),
            (read.Version, read.Attachments.Single().Name, read.Template!.Name, read.Template.Parameters[1], read.Purpose, read.References[0]));
    }

    [Fact]
    public void Document_AsTheMigrationWritesIt_ReadsAsAPersonsMessage()
    {
        // What OutboundContentDocument builds from the columns it replaces (no template, no key).
        var read = OutboundContentJson.Read("""{"subject":null,"text":"Hi","attachments":[],"replyToProviderMessageId":"<q@x>","references":["<r@x>","<q@x>"],"purpose":"person","version":1}""");

        Assert.Equal((null, "Hi", "<q@x>", 2, MessagePurpose.Person, (string?)null), (read.Subject, read.Text, read.ReplyToProviderMessageId, read.References.Count, read.Purpose, read.IdempotencyKey));
        Assert.Empty(read.Attachments);
    }

    [Fact]
    public void Document_OfANewerVersion_IsRefusedRatherThanMisread()
    {
        var e = Assert.Throws<InvalidOperationException>(() => OutboundContentJson.Read("""{"text":"Hi","version":2}"""));
        Assert.Contains("version 2", e.Message, StringComparison.Ordinal);
    }
}
