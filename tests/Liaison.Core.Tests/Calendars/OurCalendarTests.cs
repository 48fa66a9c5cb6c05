using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Calendars;

public class OurCalendarTests
{
    [Fact]
    public void Revise_MakesTheNextVersionFromWhenItTakesEffect()
    {
        var first = Ours();
        var at = Instant.FromUtc(2025, 6, 1, 0, 0);
        var second = first.Revise(first with { TimeZone = "Europe/Sofia" }, at);
        Assert.Equal(2, second.Version);
        Assert.Equal(at, second.EffectiveFrom);
        Assert.Equal("effectiveFrom", Assert.Throws<AgreementRuleException>(() => second.Revise(second, at)).Field);
    }

    [Fact]
    public void Revise_NotStoredYet_MakesVersionOne()
    {
        var first = OurCalendar.Default.Revise(OurCalendar.Default, Instant.FromUtc(2025, 6, 1, 0, 0));
        Assert.Equal(1, first.Version);
    }

    [Fact]
    public void Revise_BrokenRule_IsRefused() =>
        Assert.Equal("workingHours", Assert.Throws<AgreementRuleException>(() => Ours().Revise(Ours() with { WorkingHours = WeeklyHours.None }, Instant.FromUtc(2025, 6, 1, 0, 0))).Field);

    [Fact]
    public void Promise_CarriesBothVersions_AndCountsInOurCalendar()
    {
        var agreement = Warsaw() with { Version = 3 };
        var sofia = Ours() with { Version = 2, TimeZone = "Europe/Sofia" };
        // Friday 19:30 in Warsaw is 20:30 in Sofia; 4 working hours from Monday 09:00 in Sofia is 13:00 there, 12:00 in Warsaw.
        var promise = new PromiseSchedule(agreement, sofia).PromiseFor(At("Europe/Warsaw", "2025-03-07T19:30"), ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal(3, promise.AgreementVersion);
        Assert.Equal(2, promise.CalendarVersion);
        Assert.Equal("2025-03-10T13:00:00", Local(promise.Due, "Europe/Sofia"));
    }
}
