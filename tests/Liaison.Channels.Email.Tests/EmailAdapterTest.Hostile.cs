using System.Diagnostics;
using System.Text;
using Liaison.Html;
using MimeKit;

namespace Liaison.Channels.Email.Tests;

/// <summary>Mail written to hurt: deep or huge HTML, thousands of parts, content ids that try to write attributes.</summary>
public sealed partial class EmailAdapterTest
{
    /// <summary>
    /// Runs <paramref name="work"/> on a thread with a small stack, so a walk that recurses per level
    /// overflows at a few thousand levels on every machine (and takes the test host down: a failure
    /// no one can miss) instead of depending on the thread pool's stack size.
    /// </summary>
    private static T OnSmallStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) throw new AggregateException(failure);
        return result;
    }

    private static string Nested(string tag, int depth, string inner = "deep text") =>
        string.Concat(Enumerable.Repeat($"<{tag}>", depth)) + inner + string.Concat(Enumerable.Repeat($"</{tag}>", depth));

    [Fact]
    public void Parse_HtmlOnlyMailOfTensOfThousandsOfUnclosedInlineElements_IsStoredAsTextWithANote()
    {
        // The reported crash: ~360 KB of unclosed inline elements; the old text walk recursed per element.
        var html = "<p>Invoice attached</p>" + string.Concat(Enumerable.Range(0, 40_000).Select(i => i % 2 == 0 ? "<span>" : "<b class=x>")) + "tail words";
        Assert.InRange(html.Length, 300_000, 400_000);
        var mail = Corpus.Mail();
        mail.Body = new TextPart("html") { Text = html };

        var message = OnSmallStack(() => Parse(mail));

        Assert.Null(message.Html);
        Assert.True(message.FormattingWithheld);
        Assert.Equal("Invoice attached\ntail words", message.Text);
    }

    [Fact]
    public void Prepare_ThirtyThousandNestedDivs_IsWithheldAtOnce()
    {
        // 150 KB that took 42 s of processing before.
        var html = Nested("div", 30_000);
        var clock = Stopwatch.StartNew();

        var prepared = OnSmallStack(() => SafeHtml.Prepare(html, withText: true));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.True(prepared.Withheld);
        Assert.Null(prepared.Html);
        Assert.Equal("deep text", prepared.Text);
    }

    [Fact]
    public void Prepare_NestingTheLinearLookUndercounts_IsCaughtInTheParsedDocument()
    {
        // Tables count once in the look before parsing, but each is four levels once parsed (table, tbody, tr, td).
        var html = string.Concat(Enumerable.Repeat("<table><tr><td>", 200)) + "cell";

        var (_, estimated) = SafeHtml.Estimate(html);
        var prepared = OnSmallStack(() => SafeHtml.Prepare(html, withText: true));

        Assert.True(estimated <= SafeHtml.MaxDepth, $"estimated {estimated}");
        Assert.True(prepared.Withheld);
        Assert.Equal("cell", prepared.Text);
    }

    [Fact]
    public void Prepare_NestedUpToTheCap_IsSanitisedOnASmallStack()
    {
        // The serialiser recurses per level: at the cap it must still fit a small stack.
        var html = Nested("div", SafeHtml.MaxDepth - 2, "<b onclick=\"x()\">bold</b>");

        var prepared = OnSmallStack(() => SafeHtml.Prepare(html, withText: true));

        Assert.False(prepared.Withheld);
        Assert.Equal("bold", prepared.Text);
        Assert.Contains("<b>bold</b>", prepared.Html);
        Assert.DoesNotContain("onclick", prepared.Html);
    }

    [Fact]
    public void Prepare_TooManyElementsOrTooLarge_IsWithheldWithItsText()
    {
        var wide = string.Concat(Enumerable.Range(0, SafeHtml.MaxElements + 10).Select(i => "<i>w</i> "));
        var large = "<p>" + new string('x', SafeHtml.MaxChars) + "</p>";

        var manyElements = SafeHtml.Prepare(wide, withText: true);
        var tooLarge = SafeHtml.Prepare(large, withText: true);

        Assert.True(manyElements.Withheld);
        Assert.StartsWith("w w w", manyElements.Text);
        Assert.True(tooLarge.Withheld);
        Assert.Equal(SafeHtml.MaxTextChars, tooLarge.Text!.Length);
    }

    [Fact]
    public void Prepare_WhenCancelled_StopsWithCancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => SafeHtml.Prepare("<p>hello</p>", withText: false, cancelled.Token));
    }

    [Fact]
    public void ScanText_SkipsScriptsStylesAndCommentsAndDecodesEntities()
    {
        var text = SafeHtml.ScanText("<html><head><title>T</title><style>p{}</style></head><body><!-- <p>hidden</p> --><p title=\"a>b\">Fish &amp; chips</p><script>x<y</script>Tail<br>end</body></html>");

        Assert.Equal("Fish & chips\nTail\nend", text);
    }

    [Fact]
    public void Parse_EmptyPartsAreNotAttachments_AndAttachmentsPastTheCapAreCounted()
    {
        var body = new Multipart("mixed") { new TextPart("plain") { Text = "Many files." } };
        for (var i = 0; i < 300; i++)
            body.Add(new MimePart("application", "octet-stream") { Content = new MimeContent(new MemoryStream()), FileName = $"empty-{i}.bin" });
        for (var i = 0; i < 130; i++)
            body.Add(new MimePart("text", "csv") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes($"row,{i}"))), FileName = $"part-{i}.csv", ContentTransferEncoding = ContentEncoding.Base64 });
        var mail = Corpus.Mail();
        mail.Body = body;

        var limited = Assert.IsType<Core.Inbound.InboundMessage>(Assert.Single(new EmailAdapter(new MailLimits { MaxAttachmentsPerMessage = 100 }).Parse(Corpus.Bytes(mail), Mailbox)));

        Assert.Equal(100, limited.Attachments!.Count);
        Assert.Equal("part-0.csv", limited.Attachments[0].FileName);
        Assert.Equal("row,0", Encoding.ASCII.GetString(limited.Attachments[0].Content!.Value.Span));
        Assert.Equal(30, limited.AttachmentsLeftOut);
    }

    [Fact]
    public void Parse_DeeplyNestedMultiparts_AreReadWithoutRecursingIntoEveryLevel()
    {
        var raw = new StringBuilder("From: Anna <anna@client.test>\r\nTo: owner@liaison.test\r\nSubject: Deep\r\nMessage-ID: <deep@client.test>\r\nMIME-Version: 1.0\r\n");
        const int depth = 5_000;
        for (var i = 0; i < depth; i++)
            raw.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
        raw.Append("Content-Type: text/plain\r\n\r\nat the bottom\r\n");
        for (var i = depth - 1; i >= 0; i--) raw.Append($"--b{i}--\r\n");

        var message = OnSmallStack(() => Parse(Encoding.ASCII.GetBytes(raw.ToString())));

        Assert.Equal("Deep", message.Subject);
        Assert.DoesNotContain("at the bottom", message.Text);
    }

    [Theory]
    [InlineData("logo\"")]
    [InlineData("logo\" src=\"https://tracker.test/pixel.png")]
    [InlineData("logo'>")]
    public void Parse_ContentIdThatCouldEndAnAttribute_IsNotTakenAsAContentId(string hostile)
    {
        var html = new TextPart("html") { Text = "<p><img src=\"cid:logo\"></p>" };
        var image = new MimePart("image", "png") { Content = new MimeContent(new MemoryStream([0x89, 0x50])), FileName = "logo.png" };
        image.Headers.Replace(HeaderId.ContentId, $"<{hostile}>");
        var mail = Corpus.Mail();
        mail.Body = new MultipartRelated { html, image };

        var message = Parse(mail);

        var attachment = Assert.Single(message.Attachments!);
        Assert.Null(attachment.ContentId);
        Assert.Equal("logo.png", attachment.FileName);
        Assert.False(SafeHtml.IsSafeContentId(hostile));
        Assert.True(SafeHtml.IsSafeContentId("image001.png@01DA2B3C.4D5E6F70"));
    }

    [Fact]
    public void ForFrame_ContentIdEndingInAQuote_CannotTurnTextIntoAttributes()
    {
        // Swapping "cid:a\"" for a URL in the markup ate the closing quote, and the alt text became a remote src.
        var sanitised = SafeHtml.Prepare("<p><img src=\"cid:a\" alt=\" src=https://tracker.test/x.png \"></p>", withText: false).Html!;

        var frame = SafeHtml.ForFrame(sanitised, new Dictionary<string, string> { ["a\""] = "/files/8" }, showRemoteImages: false)!;

        var image = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(frame).QuerySelector("img")!;
        Assert.Null(image.GetAttribute("src"));
        Assert.Equal(["alt"], image.Attributes.Select(a => a.Name));
    }

    [Fact]
    public void ForFrame_RewritesCidSourcesInTheDocument_AndGivesTheFrameItsOwnPolicy()
    {
        var sanitised = SafeHtml.Prepare("<p>Logo <img src=\"cid:logo@client.test\"> and <img src=\"https://tracker.test/p.png\"> <img src=\"cid:unknown@x\"></p>", withText: false).Html!;
        var inline = new Dictionary<string, string> { ["logo@client.test"] = "/files/7", ["logo@client.test\" onerror=\"x"] = "/files/8" };

        var blocked = SafeHtml.ForFrame(sanitised, inline, showRemoteImages: false)!;
        var allowed = SafeHtml.ForFrame(sanitised, inline, showRemoteImages: true)!;

        Assert.Contains("<img src=\"/files/7\">", blocked);
        Assert.DoesNotContain("cid:", blocked);
        Assert.Contains("<img data-blocked-src=\"https://tracker.test/p.png\">", blocked);
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:;", blocked);
        Assert.Contains("<img src=\"https://tracker.test/p.png\">", allowed);
        Assert.Contains("img-src 'self' data: https: http:;", allowed);
    }

    [Fact]
    public void ForFrame_StoredHtmlPastTheCaps_IsNotRendered()
    {
        // HTML stored before the caps existed is refused at render time too: it is shown as text.
        Assert.Null(SafeHtml.ForFrame(Nested("div", 30_000), new Dictionary<string, string>(), showRemoteImages: false));
    }
}
