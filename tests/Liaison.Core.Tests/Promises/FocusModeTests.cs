using Liaison.Core.Calendars;
using Liaison.Core.Promises;
using NodaTime;

namespace Liaison.Core.Tests.Promises;

public class FocusModeTests
{
    // Windows at 09:00, 13:00 and 17:00 on weekdays in Warsaw.
    private static readonly CheckWindowSchedule Windows = new(Calendars.Zone("Europe/Warsaw"),
        CheckWindows.Weekdays(new LocalTime(9, 0), new LocalTime(13, 0), new LocalTime(17, 0)));

    [Fact]
    public void At_BetweenWindows_IsClosedUntilTheNextOne()
    {
        var session = FocusMode.At(Windows, Calendars.At("Europe/Warsaw", "2027-01-12T10:15")); // a Tuesday
        Assert.False(session.IsOpen);
        Assert.True(session.FocusModeOn);
        Assert.Equal("2027-01-12T13:00:00", Calendars.Local(session.NextOpensAt!.Value, "Europe/Warsaw"));
        Assert.Equal("2027-01-12T09:00:00", Calendars.Local(session.DigestSince!.Value, "Europe/Warsaw"));
    }

    [Fact]
    public void At_AWindow_OpensASessionWithTheDigestSinceTheWindowBefore()
    {
        var session = FocusMode.At(Windows, Calendars.At("Europe/Warsaw", "2027-01-12T13:10"));
        Assert.True(session.IsOpen);
        Assert.Equal("2027-01-12T13:00:00", Calendars.Local(session.OpenedAt!.Value, "Europe/Warsaw"));
        Assert.Equal(session.OpenedAt + FocusMode.SessionLength, session.ClosesAt);
        Assert.Equal("2027-01-12T09:00:00", Calendars.Local(session.DigestSince!.Value, "Europe/Warsaw"));
        Assert.Equal("2027-01-12T17:00:00", Calendars.Local(session.NextOpensAt!.Value, "Europe/Warsaw"));
    }

    [Fact]
    public void At_MondayMorning_DigestsTheWholeWeekend()
    {
        var session = FocusMode.At(Windows, Calendars.At("Europe/Warsaw", "2027-01-11T09:00"));
        Assert.True(session.IsOpen);
        Assert.Equal("2027-01-08T17:00:00", Calendars.Local(session.DigestSince!.Value, "Europe/Warsaw")); // Friday's last window
    }

    [Fact]
    public void At_WithoutCheckWindows_IsAlwaysOpen()
    {
        var session = FocusMode.At(new CheckWindowSchedule(Calendars.Zone("Europe/Warsaw"), CheckWindows.None), Instant.FromUtc(2027, 1, 12, 3, 0));
        Assert.True(session.IsOpen);
        Assert.False(session.FocusModeOn);
    }

    [Fact]
    public void LastAtOrBefore_IsTheWindowItself_AtItsInstant()
    {
        var at = Calendars.At("Europe/Warsaw", "2027-01-12T13:00");
        Assert.Equal(at, Windows.LastAtOrBefore(at));
        Assert.Equal(Calendars.At("Europe/Warsaw", "2027-01-12T09:00"), Windows.LastAtOrBefore(at - Duration.Epsilon));
    }
}
