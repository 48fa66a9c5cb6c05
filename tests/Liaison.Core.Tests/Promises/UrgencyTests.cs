using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using Liaison.Core.Promises;

namespace Liaison.Core.Tests.Promises;

public class UrgencyMarkersTests
{
    [Theory]
    [InlineData("To jest PILNE, proszę o telefon", "pl", "pilne")]
    [InlineData("Potrzebuję tego na wczoraj!", "pl", "na wczoraj")]
    [InlineData("Potrzebuję tego NA   WCZORAJ.", "pl", "na wczoraj")]
    [InlineData("Это срочно, перезвоните", "ru", "срочно")]
    [InlineData("СРОЧНО!!!", "ru", "срочно")]
    [InlineData("Много е спешно, моля", "bg", "спешно")]
    [InlineData("Please reply asap.", "en", "ASAP")]
    [InlineData("Odpowiedz ASAP", "pl", "ASAP")] // English markers are read whatever the client's language
    public void FindIn_MarkerInAnyCase_AsWholeWords_IsFound(string text, string language, string marker) =>
        Assert.Equal(marker, UrgencyMarkers.Default.FindIn(text, language, "en"));

    [Theory]
    [InlineData("To nie jest pilnej sprawy kategoria", "pl")] // "pilnej" is another word
    [InlineData("Wczoraj na spacerze", "pl")] // the words, but not in a row
    [InlineData("The urgentness of nothing", "en")]
    [InlineData("", "ru")]
    public void FindIn_WithoutAWholeMarker_FindsNothing(string text, string language) =>
        Assert.Null(UrgencyMarkers.Default.FindIn(text, language, "en"));

    [Fact]
    public void FindIn_DiacriticsOnEitherSide_AreIgnored()
    {
        var markers = new UrgencyMarkers(new Dictionary<string, IReadOnlyList<string>> { ["pl"] = ["szybko", "na już"] });
        Assert.Equal("na już", markers.FindIn("Proszę NA JUZ", "pl"));
        Assert.Equal("szybko", markers.FindIn("bardzo szybkó", "pl"));
        // The owner's edited list replaces the defaults of that language only.
        Assert.Null(markers.FindIn("to pilne", "pl"));
        Assert.Equal("срочно", markers.FindIn("срочно", "ru"));
    }

    [Fact]
    public void FindIn_OnlyTheStartOfAHugeText_IsRead()
    {
        var text = new string('a', UrgencyMarkers.ScannedCharacters) + " urgent";
        Assert.Null(UrgencyMarkers.Default.FindIn(text, "en"));
    }

    [Fact]
    public void Clean_DropsBlanksAndRepeats_AndRefusesAMarkerWithoutWords()
    {
        Assert.Equal(["pilne", "Na wczoraj"], UrgencyMarkers.Clean(["pilne", " ", "Na wczoraj", "PILNE", null], "languages.pl"));
        var e = Assert.Throws<DomainRuleException>(() => UrgencyMarkers.Clean(["!!!"], "languages.pl"));
        Assert.Equal("languages.pl", e.Field);
    }
}

public class PromiseUrgencyTests
{
    private static readonly Agreement Polish = new() { ClientTimeZone = "Europe/Warsaw", Language = "pl" };

    [Fact]
    public void Assess_EachSource_IsTheReasonGiven()
    {
        var markers = UrgencyMarkers.Default;
        Assert.Equal(UrgencyFinding.Normal, PromiseUrgency.Assess(Polish, ChannelKind.WhatsApp, false, false, "Dzień dobry", markers));
        Assert.Equal(UrgencyReason.VipSender, PromiseUrgency.Assess(Polish, ChannelKind.WhatsApp, true, false, "Dzień dobry", markers).Reason);
        var marked = PromiseUrgency.Assess(Polish, ChannelKind.WhatsApp, false, false, "Pilne!", markers);
        Assert.Equal((Urgency.Urgent, UrgencyReason.Marker, "pilne"), (marked.Urgency, marked.Reason, marked.Marker));
        Assert.Equal(UrgencyReason.SenderMarkedUrgent, PromiseUrgency.Assess(Polish, ChannelKind.Email, false, true, "Faktura", markers).Reason);
        var duty = Polish with { RoundTheClock = [new RoundTheClockDuty(ChannelKind.WhatsApp, null)] };
        Assert.Equal(UrgencyReason.RoundTheClockDuty, PromiseUrgency.Assess(duty, ChannelKind.WhatsApp, false, false, "Dzień dobry", markers).Reason);
        // Duty on another channel, or only for urgent messages, does not make a normal one urgent.
        Assert.Equal(Urgency.Normal, PromiseUrgency.Assess(duty, ChannelKind.Email, false, false, "Dzień dobry", markers).Urgency);
        var urgentOnly = Polish with { RoundTheClock = [new RoundTheClockDuty(null, Urgency.Urgent)] };
        Assert.Equal(Urgency.Normal, PromiseUrgency.Assess(urgentOnly, ChannelKind.WhatsApp, false, false, "Dzień dobry", markers).Urgency);
    }
}
