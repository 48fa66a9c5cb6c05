using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
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

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", AutomationSigns.AutoReply)]
    [InlineData("X-Autoreply", "yes", AutomationSigns.AutoReply)]
    [InlineData("Precedence", "auto_reply", AutomationSigns.AutoReply)]
    [InlineData("List-Id", "<news.client.test>", AutomationSigns.MailingList)]
    [InlineData("Precedence", "list", AutomationSigns.MailingList)]
    [InlineData("Precedence", "bulk", AutomationSigns.Bulk)]
    [InlineData("Return-Path", "<>", AutomationSigns.EmptyReturnPath)]
    public void Parse_MachineHeaders_LeaveAsChannelNeutralSigns(string header, string value, AutomationSigns sign)
    {
        var mail = Corpus.Mail();
        mail.Headers.Add(header, value);

        var parsed = Parse(mail);
        Assert.True(parsed.Signs.HasFlag(sign), $"{header}: {value} gives {parsed.Signs}");
        Assert.True(parsed.IsAutomated);
    }

    [Fact]
    public void Parse_PersonsMailWithReturnPath_HasNoSigns()
    {
        var mail = Corpus.Mail();
        mail.Headers.Add("Return-Path", "<anna@client.test>");
        Assert.Equal(AutomationSigns.None, Parse(mail).Signs);
    }

    [Fact]
    public void Parse_DeliveryReport_IsABounce()
    {
        var mail = Corpus.Mail(from: "postmaster@mx.client.test");
        mail.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Delivery failed." } };
        Assert.Equal(AutomationSigns.Bounce | AutomationSigns.NoReplySender, Parse(mail).Signs);
    }

    [Theory]
    [InlineData(MessagePurpose.Acknowledgement, "auto-replied")]
    [InlineData(MessagePurpose.Report, "auto-generated")]
    [InlineData(MessagePurpose.Reminder, "auto-generated")]
    public void MarkAutomatic_OurAutomaticMail_CarriesRfc3834Headers_AndReadsBackAsAutoReply(MessagePurpose purpose, string autoSubmitted)
    {
        var mail = Corpus.Mail();
        MailAutomation.MarkAutomatic(mail, purpose);
        Assert.Equal(autoSubmitted, mail.Headers["Auto-Submitted"]);
        Assert.Equal("All", mail.Headers["X-Auto-Response-Suppress"]);
        // Another Liaison reading it never acknowledges it.
        Assert.True(Parse(mail).Signs.HasFlag(AutomationSigns.AutoReply));
    }

    [Fact]
    public void MarkAutomatic_PersonsMail_IsLeftAlone()
    {
        var mail = Corpus.Mail();
        MailAutomation.MarkAutomatic(mail, MessagePurpose.Person);
        Assert.Null(mail.Headers["Auto-Submitted"]);
        Assert.Null(mail.Headers["X-Auto-Response-Suppress"]);
    }
}
