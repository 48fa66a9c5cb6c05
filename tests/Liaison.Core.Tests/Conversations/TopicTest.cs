using Liaison.Core.Conversations;

namespace Liaison.Core.Tests.Conversations;

/// <summary>A topic from a subject line: what a reply without thread ids is matched on.</summary>
public class TopicTest
{
    [Theory]
    [InlineData("Re: Offer", "offer")]
    [InlineData("RE: Fwd: Offer", "offer")]
    [InlineData("Odp: PD: Oferta", "oferta")]
    [InlineData("AW: WG: Angebot", "angebot")]
    [InlineData("Re[2]: Offer", "offer")]
    [InlineData("Отв: Счёт", "счёт")]
    [InlineData("Отг: Оферта", "оферта")]
    [InlineData("[acme-project] Re: Offer", "offer")]
    [InlineData("  Offer   for  logo ", "offer for logo")]
    [InlineData("Regarding: offer", "regarding: offer")]
    public void Normalise_StripsReplyPrefixesListTagsCaseAndSpaces(string subject, string expected) =>
        Assert.Equal(expected, Topic.Normalise(subject));

    [Theory]
    [InlineData("Re: Offer", true)]
    [InlineData("Odp: Oferta", true)]
    [InlineData("Отг: Оферта", true)]
    [InlineData("Offer", false)]
    [InlineData("Regarding the offer", false)]
    public void IsReply_KnowsReplyAndForwardPrefixesInOurLanguages(string subject, bool reply) =>
        Assert.Equal(reply, Topic.IsReply(subject));

    [Fact]
    public void ThreadKey_FromSubject_NamesItsTopic_AndAChannelsOwnKeyNamesNone()
    {
        Assert.Equal("offer", Topic.OfThreadKey(Topic.ThreadKeyFor("RE: [acme] Offer")));
        Assert.Null(Topic.OfThreadKey("abc123@mail.example.com"));
    }
}
