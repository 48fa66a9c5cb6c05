using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Notes;
using NodaTime;
using Xunit;

namespace Liaison.Core.Tests.Text;

/// <summary>A NUL is refused wherever a person's text is kept, whichever page or API it came through.</summary>
public class NulTextTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 1, 9, 0);

    public static TheoryData<string, Action> Makers => new()
    {
        { "name", () => _ = new Client(1, "Acme\0", null, At) },
        { "about", () => _ = new Client(1, "Acme", "shop\0", At) },
        { "name", () => new Client(1, "Acme", null, At).Update("Ac\0me", null, null) },
        { "name", () => _ = new Contact(1, "Anna\0", null, At) },
        { "role", () => _ = new Contact(1, "Anna", "CEO\0", At) },
        { "text", () => _ = new Note(1, NoteKind.Call, ChannelKind.Phone, "called\0", At, At, null) },
    };

    [Theory, MemberData(nameof(Makers))]
    public void Text_WithNul_IsRefusedNamingTheField(string field, Action make)
    {
        var error = Assert.Throws<DomainRuleException>(make);
        Assert.Equal("text.nul", error.Rule);
        Assert.Equal(field, error.Field);
    }
}
