using MimeKit;

namespace Liaison.Channels.Email.Tests;

public sealed partial class EmailAdapterTest
{
    [Theory]
    [InlineData("Auto-Submitted", "auto-replied")]
    [InlineData("Auto-Submitted", "auto-generated")]
    [InlineData("Precedence", "bulk")]
    [InlineData("Precedence", "list")]
    [InlineData("Precedence", "junk")]
    [InlineData("List-Id", "<news.client.test>")]
    [InlineData("List-Unsubscribe", "<mailto:unsubscribe@client.test>")]
    public void Parse_MachineHeaders_MarkTheMailAutomated(string header, string value)
    {
        var mail = Corpus.Mail();
        mail.Headers.Add(header, value);

        Assert.True(Parse(mail).IsAutomated);
    }

    [Theory]
    [InlineData("noreply@client.test")]
    [InlineData("No-Reply@client.test")]
    [InlineData("MAILER-DAEMON@mx.client.test")]
    [InlineData("do-not-reply@bank.test")]
    public void Parse_RobotSender_IsAutomated(string from) => Assert.True(Parse(Corpus.Mail(from: from)).IsAutomated);

    [Fact]
    public void Parse_AutoSubmittedNo_IsAPersonsMail()
    {
        var mail = Corpus.Mail();
        mail.Headers.Add("Auto-Submitted", "no");

        Assert.False(Parse(mail).IsAutomated);
    }

    [Fact]
    public void Parse_DeliveryReport_IsAutomated()
    {
        var mail = Corpus.Mail(from: "postmaster@mx.client.test");
        mail.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Delivery failed." } };

        Assert.True(Parse(mail).IsAutomated);
    }
}
