using System.Text;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using MimeKit;

namespace Liaison.Channels.Email.Tests;

public sealed partial class EmailAdapterTest
{
    private static readonly ChannelSettings Mailbox = new(new Dictionary<string, string>
    {
        ["address"] = Corpus.Owner,
        ["aliases"] = "billing@liaison.test, Owner.Alias@Liaison.test",
    });

    private static InboundMessage Parse(byte[] raw) => Assert.IsType<InboundMessage>(Assert.Single(new EmailAdapter().Parse(raw, Mailbox)));

    private static InboundMessage Parse(MimeMessage message) => Parse(Corpus.Bytes(message));

    [Fact]
    public void Parse_PlainMail_GivesSenderSubjectTextAndDate()
    {
        var mail = Corpus.Mail(subject: "Offer for the logo", text: "Please see the offer.", messageId: "offer-1@client.test");

        var message = Parse(mail);

        Assert.Equal("offer-1@client.test", message.ProviderMessageId);
        Assert.Equal(Corpus.SentInstant, message.At);
        Assert.Equal(MessageDirection.Inbound, message.Direction);
        Assert.Equal(Corpus.Client, message.CounterpartAddress);
        Assert.Equal("Anna Kowalska", message.CounterpartName);
        Assert.Equal("Offer for the logo", message.Subject);
        Assert.Equal("Please see the offer.", message.Text);
        Assert.Null(message.Html);
        Assert.Equal("offer-1@client.test", message.ThreadKey);
        Assert.False(message.IsAutomated);
        Assert.Empty(message.Attachments!);
    }

    [Theory]
    [InlineData(Corpus.Owner)]
    [InlineData("billing@liaison.test")]
    [InlineData("OWNER.alias@liaison.test")]
    public void Parse_FromOwnAddressOrAlias_IsOutboundToFirstRecipient(string from)
    {
        var mail = Corpus.Mail(from: from, to: Corpus.Client);

        var message = Parse(mail);

        Assert.Equal(MessageDirection.Outbound, message.Direction);
        Assert.Equal(Corpus.Client, message.CounterpartAddress);
        Assert.Equal("Owner", message.CounterpartName);
    }

    [Fact]
    public void Parse_MultipartAlternative_TakesPlainTextAndSanitisedHtml()
    {
        var mail = Corpus.Mail();
        mail.Body = new BodyBuilder { TextBody = "Plain version", HtmlBody = "<p>HTML <b>version</b></p>" }.ToMessageBody();

        var message = Parse(mail);

        Assert.Equal("Plain version", message.Text);
        Assert.Equal("<p>HTML <b>version</b></p>", message.Html);
        Assert.Empty(message.Attachments!);
    }

    [Fact]
    public void Parse_HtmlOnly_TextComesFromTheHtml()
    {
        var mail = Corpus.Mail();
        mail.Body = new TextPart("html") { Text = "<html><head><style>p{color:red}</style></head><body><p>First line</p><p>Second <i>line</i></p>Tail<br>end</body></html>" };

        var message = Parse(mail);

        Assert.Equal("First line\nSecond line\nTail\nend", message.Text);
    }

    [Fact]
    public void Parse_NestedMultiparts_FindsBodyInlineImageAndAttachment()
    {
        // mixed { alternative { plain, related { html, image } }, pdf }: what Apple Mail and Outlook send.
        var html = new TextPart("html") { Text = "<p>See the logo: <img src=\"cid:logo@client.test\"></p>" };
        var image = new MimePart("image", "png") { Content = new MimeContent(new MemoryStream([0x89, 0x50, 0x4E, 0x47])), ContentId = "logo@client.test", FileName = "logo.png" };
        image.ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "logo.png" };
        var related = new MultipartRelated { html, image };
        var alternative = new MultipartAlternative { new TextPart("plain") { Text = "See the logo." }, related };
        var pdf = new MimePart("application", "pdf")
        {
            Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.7 offer"))),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "Oferta 2026.pdf",
        };
        var mail = Corpus.Mail();
        mail.Body = new Multipart("mixed") { alternative, pdf };

        var message = Parse(mail);

        Assert.Equal("See the logo.", message.Text);
        Assert.Equal("<p>See the logo: <img src=\"cid:logo@client.test\"></p>", message.Html);
        Assert.Collection(message.Attachments!,
            logo =>
            {
                // Named by content id, which the HTML's cid: source resolves to (until attachments carry one).
                Assert.Equal("cid:logo@client.test", logo.FileName);
                Assert.Equal("image/png", logo.ContentType);
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, logo.Content!.Value.ToArray());
            },
            offer =>
            {
                Assert.Equal("Oferta 2026.pdf", offer.FileName);
                Assert.Equal("application/pdf", offer.ContentType);
                Assert.Equal("%PDF-1.7 offer", Encoding.ASCII.GetString(offer.Content!.Value.Span));
            });
    }

    [Fact]
    public void Parse_AttachedMail_IsAnAttachmentNamedBySubject()
    {
        var forwarded = Corpus.Mail(subject: "Original question");
        var mail = Corpus.Mail(subject: "Fwd: Original question");
        mail.Body = new Multipart("mixed") { new TextPart("plain") { Text = "Forwarding." }, new MessagePart { Message = forwarded } };

        var message = Parse(mail);

        Assert.Equal("Forwarding.", message.Text);
        var attachment = Assert.Single(message.Attachments!);
        Assert.Equal("Original question.eml", attachment.FileName);
        Assert.Equal("message/rfc822", attachment.ContentType);
    }

    [Fact]
    public void Parse_DangerousHtml_LosesScriptsHandlersFormsAndFrames()
    {
        var mail = Corpus.Mail();
        mail.Body = new TextPart("html")
        {
            Text = """
                <p onclick="steal()">Hi<script>alert(1)</script></p>
                <form action="https://evil.test/login"><input name="password"><button>Log in</button></form>
                <iframe src="https://evil.test/frame"></iframe>
                <a href="javascript:alert(1)">bad link</a> <a href="https://client.test/brief">brief</a>
                <object data="x.swf"></object><embed src="x.swf">
                """,
        };

        var html = Parse(mail).Html!;

        Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<input", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<button", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<object", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<embed", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<a href=\"https://client.test/brief\">brief</a>", html, StringComparison.Ordinal);
        Assert.Contains("Hi", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RemoteImagesAndBackgrounds_AreBlockedUntilAsked()
    {
        var mail = Corpus.Mail();
        mail.Body = new TextPart("html")
        {
            Text = """<img src="https://tracker.test/pixel.gif?u=1" alt="x"><div style="background-image: url('https://tracker.test/bg.png'); color: red">text</div><table background="https://tracker.test/t.png"><tr><td>cell</td></tr></table>""",
        };

        var html = Parse(mail).Html!;

        Assert.Contains("data-blocked-src=\"https://tracker.test/pixel.gif?u=1\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" src=\"https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("background=", html, StringComparison.Ordinal);
        Assert.Contains("color: rgba(255, 0, 0, 1)", html, StringComparison.Ordinal); // harmless styles stay
    }

    [Fact]
    public void Parse_BrokenMime_UnterminatedMultipartAndBadBase64_StillReadsTheText()
    {
        var raw = Corpus.Raw("""
            From: Anna <anna@client.test>
            To: owner@liaison.test
            Subject: Broken
            Date: Fri, 20 Nov 2026 09:30:00 +0100
            Message-ID: <broken@client.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"
            """, """
            --b1
            Content-Type: text/plain; charset=utf-8

            The text survives.
            --b1
            Content-Type: application/pdf; name="cut.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjcK!!!not base64 at all
            """);

        var message = Parse(raw);

        Assert.Equal("The text survives.", message.Text.Trim());
        Assert.Equal("cut.pdf", Assert.Single(message.Attachments!).FileName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0\0\0\u0001\u0002 binary")]
    [InlineData("just some words, no headers at all\r\n\r\nand more")]
    public void Parse_NotAMail_ThrowsUnreadableEmail(string payload)
    {
        var e = Assert.Throws<UnreadableEmailException>(() => new EmailAdapter().Parse(Encoding.UTF8.GetBytes(payload), Mailbox));

        Assert.Contains("not an e-mail message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoMessageId_ProviderIdIsAStableContentHash()
    {
        var raw = Corpus.Raw("""
            From: anna@client.test
            To: owner@liaison.test
            Subject: No id
            Date: Fri, 20 Nov 2026 09:30:00 +0100
            """, "Body");

        var first = Parse(raw);
        var again = Parse(raw);

        Assert.StartsWith("sha256:", first.ProviderMessageId, StringComparison.Ordinal);
        Assert.Equal(first.ProviderMessageId, again.ProviderMessageId);
        Assert.NotEqual(first.ProviderMessageId, Parse(Corpus.Raw("""
            From: anna@client.test
            To: owner@liaison.test
            Subject: No id
            Date: Fri, 20 Nov 2026 09:30:00 +0100
            """, "Another body")).ProviderMessageId);
    }

    [Fact]
    public void Parse_NoDate_UsesTheNewestReceivedHeader()
    {
        var raw = Corpus.Raw("""
            Received: from mx.client.test by mx.liaison.test; Fri, 20 Nov 2026 10:00:05 +0000
            Received: from laptop by mx.client.test; Fri, 20 Nov 2026 10:00:01 +0000
            From: anna@client.test
            To: owner@liaison.test
            Subject: Undated
            """, "Body");

        Assert.Equal(Instant(2026, 11, 20, 10, 0, 5), Parse(raw).At);
    }

    [Fact]
    public void Identify_UsesTheMessageId()
    {
        var raw = Corpus.Bytes(Corpus.Mail(messageId: "abc@client.test"));

        Assert.Equal("mid:abc@client.test", new EmailAdapter().Identify(raw).Value);
    }

    private static NodaTime.Instant Instant(int y, int mo, int d, int h, int mi, int s) => NodaTime.Instant.FromUtc(y, mo, d, h, mi, s);
}
