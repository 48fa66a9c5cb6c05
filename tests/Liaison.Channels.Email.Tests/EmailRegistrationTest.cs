using Liaison.Core;
using Liaison.Core.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Channels.Email.Tests;

public sealed class EmailRegistrationTest
{
    [Fact]
    public void AddEmailChannel_RegistersTheAdapterForThePipeline()
    {
        var services = new ServiceCollection().AddEmailChannel();

        var adapter = Assert.Single(services, d => d.ServiceType == typeof(IChannelAdapter));
        Assert.Equal(ServiceLifetime.Singleton, adapter.Lifetime);
        Assert.Contains(services, d => d.ServiceType == typeof(SmtpSender));
        Assert.Contains(services, d => d.ServiceType == typeof(ImapSyncFactory));
        Assert.Equal(Core.Channels.ChannelKind.Email, new EmailAdapter().Kind);
    }

    [Fact]
    public void Settings_Defaults_AreTlsOnTheStandardPorts()
    {
        var settings = EmailSettings.From(new ChannelSettings(new Dictionary<string, string>
        {
            ["address"] = "owner@liaison.test",
            ["user"] = "owner",
            ["password"] = "pw",
            ["imap.host"] = "imap.liaison.test",
            ["smtp.host"] = "smtp.liaison.test",
        }));

        Assert.Equal(new MailServer("imap.liaison.test", 993, MailTls.Ssl, "owner", "pw"), settings.Imap);
        Assert.Equal(new MailServer("smtp.liaison.test", 587, MailTls.StartTls, "owner", "pw"), settings.Smtp);
        Assert.Null(settings.Folders);
        Assert.True(settings.AppendToSent);
    }

    [Theory]
    [InlineData("imap.tls", "maybe")]
    [InlineData("imap.port", "99999")]
    [InlineData("imap.host", "")]
    public void Settings_Invalid_NameTheSetting(string name, string value)
    {
        var values = new Dictionary<string, string>
        {
            ["address"] = "owner@liaison.test",
            ["user"] = "owner",
            ["password"] = "pw",
            ["imap.host"] = "imap.liaison.test",
            [name] = value,
        };

        var e = Assert.Throws<DomainRuleException>(() => EmailSettings.From(new ChannelSettings(values)));

        Assert.Equal(name, e.Field);
    }
}
