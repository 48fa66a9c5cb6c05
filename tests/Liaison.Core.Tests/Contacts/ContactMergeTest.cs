using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Contacts;
using Liaison.Core.Identities;
using NodaTime;

namespace Liaison.Core.Tests.Contacts;

public class ContactMergeTest
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 23, 9, 0);

    [Fact]
    public void Absorb_MovesEveryIdentityToTheSurvivor()
    {
        var survivor = new Contact(1, "Anna Nowak", null, At);
        survivor.AddIdentity(ChannelKind.Email, "anna@example.com", null, At);
        var duplicate = new Contact(2, "Ania", "CEO", At);
        duplicate.AddIdentity(ChannelKind.Telegram, "42", null, At);
        duplicate.AddIdentity(ChannelKind.Viber, "01234567890A=", null, At);

        survivor.Absorb(duplicate);

        Assert.Equal(["anna@example.com", "42", "01234567890A="], survivor.Identities.Select(i => i.Address));
        Assert.Empty(duplicate.Identities);
        Assert.Equal("CEO", survivor.Role);
    }

    [Fact]
    public void Absorb_KeepsTheSurvivorsOwnRole()
    {
        var survivor = new Contact(1, "Anna", "Accountant", At);
        survivor.Absorb(new Contact(1, "Ania", "CEO", At));
        Assert.Equal("Accountant", survivor.Role);
    }

    [Fact]
    public void Absorb_Itself_IsRefused()
    {
        var contact = new Contact(1, "Anna", null, At);
        var error = Assert.Throws<DomainRuleException>(() => contact.Absorb(contact));
        Assert.Equal("contact.merge.same", error.Rule);
    }

    [Fact]
    public void AddIdentity_SameAddressTwiceInAnotherSpelling_IsAConflict()
    {
        var contact = new Contact(1, "Anna", null, At);
        contact.AddIdentity(ChannelKind.Email, AddressRules.EmailAddress("Anna@Example.com"), null, At);
        Assert.Throws<DomainConflictException>(() => contact.AddIdentity(ChannelKind.Email, AddressRules.EmailAddress("anna@example.COM"), null, At));
    }

    [Fact]
    public void AddIdentity_SameAddressOnAnotherKind_IsAnotherIdentity()
    {
        var contact = new Contact(1, "Anna", null, At);
        contact.AddIdentity(ChannelKind.Phone, "+48601234567", null, At);
        contact.AddIdentity(ChannelKind.WhatsApp, "+48601234567", null, At);
        Assert.Equal(2, contact.Identities.Count);
    }
}
