using Liaison.Channels.Email;
using Liaison.Channels.WhatsApp;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;

namespace Liaison.Server.Tests.Channels;

/// <summary>The descriptors the server's channel projects register, as the server sees them together (no I/O).</summary>
public sealed class ChannelDescriptorsTest
{
    private static readonly ChannelDescriptors Channels = new([EmailDescriptor.Instance, WhatsAppDescriptor.Instance]);

    [Theory]
    [InlineData("48601234567")]
    [InlineData("+48 601 234 567")]
    [InlineData("0048 601-234-567")]
    public void WhatsApp_WaId_IsThePhoneNumberInDigitsWithoutPlus(string typed)
    {
        Assert.Equal("48601234567", Channels.Normalize(ChannelKind.WhatsApp, typed));
        Assert.Equal("+48 601 234 567", Channels.Display(ChannelKind.WhatsApp, "48601234567"));
    }

    [Fact]
    public void WhatsApp_NationalNumber_TakesTheDefaultRegion() =>
        Assert.Equal("359888123456", Channels.Normalize(ChannelKind.WhatsApp, "0888 123 456", "BG"));

    [Fact]
    public void PhoneAndWhatsApp_MayDenoteTheSamePerson_BothWays()
    {
        Assert.Equal([(ChannelKind.Phone, "+48601234567")], Channels.SamePerson(ChannelKind.WhatsApp, "48601234567"));
        Assert.Equal([(ChannelKind.WhatsApp, "48601234567")], Channels.SamePerson(ChannelKind.Phone, "+48601234567"));
        Assert.Empty(Channels.SamePerson(ChannelKind.Email, "jan@example.com"));
    }

    [Fact]
    public void NewConversation_IsAChatPerCounterpart_ExceptOnEmail_WhereItIsAThreadOfItsOwn()
    {
        Assert.Equal("<own-id@example.com>", Channels.For(ChannelKind.Email).NewConversationKey("jan@example.com", "<own-id@example.com>"));
        Assert.Equal("whatsapp:48601234567", Channels.For(ChannelKind.WhatsApp).NewConversationKey("48601234567", "wamid.1"));
        Assert.Equal("telegram:42", Channels.For(ChannelKind.Telegram).NewConversationKey("42", null));
    }

    [Fact]
    public void Email_Settings_SecretsAreTheFieldsMarkedSo_AndUnknownCredentialsByTheirName()
    {
        var email = Channels.For(ChannelKind.Email);
        Assert.True(email.IsSecret("password"));
        Assert.True(email.IsSecret("smtp.password"));
        Assert.False(email.IsSecret("imap.host"));
        Assert.True(email.IsSecret("oauth.token"));
        Assert.True(Channels.For(ChannelKind.WhatsApp).IsSecret(WhatsAppAdapter.AppSecret));
        Assert.True(Channels.For(ChannelKind.WhatsApp).IsSecret(WhatsAppAdapter.VerifyToken));
    }

    [Theory]
    [InlineData("imap.port", "70000")]
    [InlineData("imap.port", "five")]
    [InlineData("imap.tls", "maybe")]
    [InlineData("imap.host", "imap.example.test:993")]
    [InlineData("address", "not-an-address")]
    [InlineData("sent.append", "sometimes")]
    public void Email_BadSetting_IsRefusedNamingIt(string name, string value)
    {
        var settings = new Dictionary<string, string>
        {
            ["address"] = "me@example.test", ["user"] = "me", ["password"] = "p", ["imap.host"] = "imap.example.test",
            [name] = value,
        };
        var error = Assert.Throws<DomainRuleException>(() => Channels.For(ChannelKind.Email).Check(settings));
        Assert.Equal(name, error.Field);
    }

    [Fact]
    public void Email_MissingRequiredSetting_IsRefusedNamingIt()
    {
        var error = Assert.Throws<DomainRuleException>(() => Channels.For(ChannelKind.Email).Check(new Dictionary<string, string> { ["address"] = "me@example.test" }));
        Assert.Equal("channel.setting.missing", error.Rule);
        Assert.Equal("user", error.Field);
    }

    [Fact]
    public void Email_ReceivesByPulling_WhatsAppByWebhook() =>
        Assert.Equal((Receiving.Pulling, Receiving.Webhook),
            (Channels.For(ChannelKind.Email).ReceivesBy(ChannelSettings.Empty), Channels.For(ChannelKind.WhatsApp).ReceivesBy(ChannelSettings.Empty)));

    [Fact]
    public void ProjectDescriptor_TakesThePlaceOfTheGlossaryOne_AndUnknownKindsGetTheirName()
    {
        var telegram = new ChannelDescriptor(ChannelKind.Telegram, new ChannelLook("Telegram bot", "➤", "telegram"));
        var channels = new ChannelDescriptors([telegram]);
        Assert.Same(telegram, channels.For(ChannelKind.Telegram));
        Assert.Equal("skype", channels.For(new ChannelKind("skype")).Look.Label);
        Assert.Equal(["email", "phone", "telegram", "whatsapp", "viber", "messenger", "other"],
            Channels.OfferedFor(ChannelUses.Identity).Select(d => d.Kind.Value));
    }
}
