using System.Text;

namespace Liaison.Channels.Email.Tests;

public sealed partial class EmailAdapterTest
{
    // The fixtures are written in legacy code pages; register them here rather than rely on the
    // adapter having been touched by an earlier test (test order is not fixed).
    static EmailAdapterTest() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private const string Russian = "Здравствуйте! Макет утверждаем, счёт пришлю завтра.";
    private const string Bulgarian = "Здравейте, изпращам материалите до петък.";
    private const string Polish = "Dzień dobry, proszę o zażółcenie gęślą jaźń do piątku.";

    private static string Headers(string subject, string? contentType) => $"""
        From: Anna <anna@client.test>
        To: owner@liaison.test
        Subject: {subject}
        Date: Fri, 20 Nov 2026 09:30:00 +0100
        Message-ID: <cs@client.test>
        MIME-Version: 1.0
        Content-Transfer-Encoding: 8bit
        """ + (contentType is null ? "" : "\nContent-Type: " + contentType);

    [Theory]
    [InlineData("=?UTF-8?B?0KHRh9GR0YIg0LfQsCDQvdC+0Y/QsdGA0Yw=?=", "Счёт за ноябрь")]
    [InlineData("=?windows-1251?Q?=D1=F7=E5=F2_=E7=E0_=ED=EE=FF=E1=F0=FC?=", "Счет за ноябрь")]
    [InlineData("=?KOI8-R?B?58/Uz9fZyiDNwcvF1A==?=", "Готовый макет")]
    [InlineData("=?ISO-8859-2?Q?Faktura_za_pa=BCdziernik?=", "Faktura za październik")]
    [InlineData("=?UTF-8?Q?Zam=C3=B3wienie_nr_12?= =?UTF-8?Q?_=E2=80=93_pilne?=", "Zamówienie nr 12 – pilne")]
    public void Parse_Rfc2047Subject_Decodes(string encoded, string expected)
    {
        var message = Parse(Corpus.Raw(Headers(encoded, "text/plain; charset=us-ascii"), "Body"));

        Assert.Equal(expected, message.Subject);
    }

    [Theory]
    [InlineData("windows-1251", Russian)]
    [InlineData("koi8-r", Russian)]
    [InlineData("windows-1251", Bulgarian)]
    [InlineData("iso-8859-2", Polish)]
    [InlineData("utf-8", Polish)]
    public void Parse_8BitBodyWithCharset_Decodes(string charset, string text)
    {
        var message = Parse(Corpus.Raw(Headers("Charset", $"text/plain; charset={charset}"), text, Encoding.GetEncoding(charset)));

        Assert.Equal(text, message.Text);
    }

    [Theory]
    [InlineData("utf-8", Russian)]
    [InlineData("utf-8", Polish)]
    [InlineData("windows-1251", Russian)]
    [InlineData("windows-1251", Bulgarian)]
    [InlineData("koi8-r", Russian)]
    [InlineData("iso-8859-2", Polish)]
    public void Parse_8BitBodyWithoutCharset_GuessesTheEncoding(string actual, string text)
    {
        var message = Parse(Corpus.Raw(Headers("No charset", "text/plain"), text, Encoding.GetEncoding(actual)));

        Assert.Equal(text, message.Text);
    }

    [Fact]
    public void Parse_8BitBodyLabelledAscii_IsGuessedToo()
    {
        var message = Parse(Corpus.Raw(Headers("Lying label", "text/plain; charset=us-ascii"), Russian, Encoding.GetEncoding("windows-1251")));

        Assert.Equal(Russian, message.Text);
    }

    [Fact]
    public void Parse_Raw8BitHeadersWithoutEncodedWords_AreGuessedLikeBodies()
    {
        var headers = Encoding.GetEncoding("windows-1251").GetBytes("From: Анна Петрова <anna@client.test>\r\nTo: owner@liaison.test\r\nSubject: Счёт за ноябрь\r\nDate: Fri, 20 Nov 2026 09:30:00 +0100\r\n\r\n");

        var message = Parse([.. headers, .. "Body"u8]);

        Assert.Equal("Счёт за ноябрь", message.Subject);
        Assert.Equal("Анна Петрова", message.CounterpartName);
    }
}
