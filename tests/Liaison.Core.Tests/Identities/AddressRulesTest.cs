using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Identities;

namespace Liaison.Core.Tests.Identities;

/// <summary>The address rules of the glossary's kinds (the e-mail rule is Core's too: members sign in with one).</summary>
public class AddressRulesTest
{
    private static readonly ChannelDescriptors Glossary = new([]);

    private static string Email(string typed) => AddressRules.Email.Normalize(ChannelKind.Email, typed);

    [Theory]
    [InlineData("Jan.Kowalski@Example.COM", "jan.kowalski@example.com")]
    [InlineData("  jan@example.com  ", "jan@example.com")]
    [InlineData("mailto:Jan@Example.com", "jan@example.com")]
    [InlineData("Zaneta@Żółw.PL", "zaneta@xn--w-uga1v8h.pl")]
    [InlineData("zaneta@xn--w-uga1v8h.pl", "zaneta@xn--w-uga1v8h.pl")]
    [InlineData("Иван@Пример.РФ", "иван@xn--e1afmkfd.xn--p1ai")]
    public void Email_MixedCaseAndInternationalDomains_NormaliseToOneForm(string typed, string expected) =>
        Assert.Equal(expected, Email(typed));

    [Fact]
    public void Email_CyrillicDomainInAnyCase_IsOneAsciiAddress()
    {
        var lower = Email("office@българия.бг");
        Assert.Equal(lower, Email("Office@БЪЛГАРИЯ.БГ"));
        Assert.StartsWith("office@xn--", lower);
        Assert.Equal("office@българия.бг", AddressRules.Email.Display(lower));
    }

    [Fact]
    public void Email_InternationalDomain_DisplaysInUnicode() =>
        Assert.Equal("zaneta@żółw.pl", AddressRules.Email.Display("zaneta@xn--w-uga1v8h.pl"));

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("@example.com")]
    [InlineData("jan@")]
    [InlineData("jan@localhost")]
    [InlineData("jan kowalski@example.com")]
    [InlineData("")]
    public void Email_Invalid_IsRejectedNamingTheAddressField(string typed)
    {
        var error = Assert.Throws<DomainRuleException>(() => Email(typed));
        Assert.Equal("address", error.Field);
    }

    [Theory]
    // Polish: mobile with spaces, with 0048, with +48 and dashes; region from the workspace.
    [InlineData("601 234 567", "PL", "+48601234567")]
    [InlineData("0048 601 234 567", null, "+48601234567")]
    [InlineData("+48 601-234-567", null, "+48601234567")]
    [InlineData("(22) 123 45 67", "PL", "+48221234567")]
    // Russian: the domestic trunk prefix 8, brackets and dashes.
    [InlineData("8 (912) 345-67-89", "RU", "+79123456789")]
    [InlineData("+7 912 345 67 89", null, "+79123456789")]
    // Bulgarian: mobile with trunk 0, Sofia landline.
    [InlineData("0888 123 456", "BG", "+359888123456")]
    [InlineData("+359 2 987 6543", null, "+35929876543")]
    public void Phone_NationalFormats_NormaliseToE164(string typed, string? region, string expected)
    {
        Assert.Equal(expected, Glossary.Normalize(ChannelKind.Phone, typed, region));
    }

    [Theory]
    [InlineData("601 234 567", null)]
    [InlineData("12", "PL")]
    [InlineData("+48 123", null)]
    [InlineData("call me", "PL")]
    public void Phone_WithoutCountryOrInvalid_IsRejected(string typed, string? region)
    {
        var error = Assert.Throws<DomainRuleException>(() => Glossary.Normalize(ChannelKind.Phone, typed, region));
        Assert.Equal("address", error.Field);
    }

    [Fact]
    public void Phone_DisplaysInInternationalFormat() =>
        Assert.Equal("+48 601 234 567", Glossary.Display(ChannelKind.Phone, "+48601234567"));

    [Theory]
    [InlineData("123456789", "123456789")]
    [InlineData("-1001234567890", "-1001234567890")]
    [InlineData("-0042", "-42")]
    [InlineData("@Jan_Kowalski", "@jan_kowalski")]
    [InlineData("https://t.me/Jan_Kowalski", "@jan_kowalski")]
    public void Telegram_UserIdsNegativeGroupIdsAndUsernames_Normalise(string typed, string expected) =>
        Assert.Equal(expected, Glossary.Normalize(ChannelKind.Telegram, typed));

    [Theory]
    [InlineData("@ab")]
    [InlineData("12ab")]
    [InlineData("@1abcdef")]
    [InlineData("-")]
    [InlineData("--42")]
    public void Telegram_Invalid_IsRejected(string typed) =>
        Assert.Throws<DomainRuleException>(() => Glossary.Normalize(ChannelKind.Telegram, typed));

    [Fact]
    public void Messenger_PageScopedId_IsDigits()
    {
        Assert.Equal("6543210987654321", Glossary.Normalize(ChannelKind.Messenger, " 6543210987654321 "));
        Assert.Throws<DomainRuleException>(() => Glossary.Normalize(ChannelKind.Messenger, "jan.kowalski"));
    }

    [Theory]
    [InlineData("01234567890A=")]
    [InlineData("+48601234567")]
    public void Viber_UserId_IsOpaqueAndKeptAsGiven(string typed) =>
        Assert.Equal(typed, Glossary.Normalize(ChannelKind.Viber, $"  {typed} "));

    [Fact]
    public void Viber_UserIdWithSpaces_IsRejected() =>
        Assert.Throws<DomainRuleException>(() => Glossary.Normalize(ChannelKind.Viber, "0123 4567"));

    [Fact]
    public void UnknownKind_KeepsTheTextWithWhitespaceCollapsed() =>
        Assert.Equal("skype live:jan", Glossary.Normalize(new ChannelKind("skype"), "  skype   live:jan "));
}
