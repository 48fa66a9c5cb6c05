using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Promises;

public class PromiseTests
{
    private static readonly Agreement WithPhoneRule = Warsaw() with
    {
        ResponseTimes = [.. ResponseRule.Defaults, new ResponseRule(ChannelKind.Phone, Urgency.Normal, ResponseTime.Minutes(30))],
    };

    private static readonly OurCalendar WithWindows = Ours() with
    {
        CheckWindows = CheckWindows.Weekdays(new LocalTime(9, 0), new LocalTime(13, 0), new LocalTime(17, 30)),
    };

    [Fact]
    public void Promise_ReceivedFridayEvening_FallsOnMondayMorning()
    {
        var promise = new PromiseSchedule(Warsaw(), Ours()).PromiseFor(At("Europe/Warsaw", "2025-03-07T19:30"), ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal("2025-03-10T13:00:00", Local(promise.Due, "Europe/Warsaw"));
        Assert.Equal(1, promise.AgreementVersion);
    }

    [Fact]
    public void Promise_EmailOnFridayEvening_IsOneAndAHalfWorkingDays()
    {
        var due = new PromiseSchedule(Warsaw(), Ours()).DueFor(At("Europe/Warsaw", "2025-03-07T19:30"), ChannelKind.Email, Urgency.Normal);
        Assert.Equal("2025-03-11T13:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_HolidayOnMonday_MovesToTuesday()
    {
        var calendar = Ours() with { DaysOff = [new DayOff(new LocalDate(2025, 3, 10), Name: "Holiday")] };
        var due = new PromiseSchedule(Warsaw(), calendar).DueFor(At("Europe/Warsaw", "2025-03-07T19:30"), ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal("2025-03-11T13:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_NormalBeforeNextCheckWindow_WaitsForTheWindow()
    {
        var due = new PromiseSchedule(WithPhoneRule, WithWindows).DueFor(At("Europe/Warsaw", "2025-03-10T09:10"), ChannelKind.Phone, Urgency.Normal);
        Assert.Equal("2025-03-10T13:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_Urgent_DoesNotWaitForTheWindow()
    {
        var due = new PromiseSchedule(WithPhoneRule, WithWindows).DueFor(At("Europe/Warsaw", "2025-03-10T09:10"), ChannelKind.Phone, Urgency.Urgent);
        Assert.Equal("2025-03-10T10:10:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_DeadlineAfterTheWindow_KeepsTheDeadline()
    {
        var due = new PromiseSchedule(WithPhoneRule, WithWindows).DueFor(At("Europe/Warsaw", "2025-03-10T12:00"), ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal("2025-03-10T17:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_RoundTheClockUrgentPhone_CountsElapsedHours()
    {
        var agreement = WithPhoneRule with { RoundTheClock = [new RoundTheClockDuty(ChannelKind.Phone, Urgency.Urgent)] };
        var due = new PromiseSchedule(agreement, WithWindows).DueFor(At("Europe/Warsaw", "2025-03-08T03:00"), ChannelKind.Phone, Urgency.Urgent);
        Assert.Equal("2025-03-08T04:00:00", Local(due, "Europe/Warsaw"));
    }

    [Fact]
    public void Promise_ReplyBeforeDue_IsKept_AndLateReply_IsBroken()
    {
        var promise = new PromiseSchedule(Warsaw(), Ours()).PromiseFor(At("Europe/Warsaw", "2025-03-07T19:30"), ChannelKind.Telegram, Urgency.Normal);
        var later = promise.Due + Duration.FromDays(1);
        Assert.Equal(PromiseStatus.Kept, promise.Evaluate(promise.Due, later));
        Assert.Equal(PromiseStatus.Broken, promise.Evaluate(promise.Due + Duration.FromMinutes(1), later));
        Assert.Equal(PromiseStatus.Open, promise.Evaluate(null, promise.Due));
        Assert.Equal(PromiseStatus.Broken, promise.Evaluate(null, promise.Due + Duration.FromTicks(1)));
        Assert.Equal(promise.Due, promise.BrokenAt(null, later));
    }

    [Fact]
    public void Promise_MadeUnderOldVersion_KeepsOldTerms()
    {
        var history = AgreementHistory.Start(Warsaw());
        var change = Instant.FromUtc(2025, 3, 8, 12, 0);
        history = history.Revise(history.Current with { ResponseTimes = [new ResponseRule(null, Urgency.Normal, ResponseTime.Days(3)), new ResponseRule(null, Urgency.Urgent, ResponseTime.Hours(2))] }, change);
        var received = At("Europe/Warsaw", "2025-03-07T19:30");
        var promise = new PromiseSchedule(history.InForceAt(received)!, Ours()).PromiseFor(received, ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal(1, promise.AgreementVersion);
        Assert.Equal("2025-03-10T13:00:00", Local(promise.Due, "Europe/Warsaw"));
        var after = new PromiseSchedule(history.InForceAt(change + Duration.FromHours(1))!, Ours()).PromiseFor(change, ChannelKind.Telegram, Urgency.Normal);
        Assert.Equal(2, after.AgreementVersion);
        Assert.Equal("2025-03-12T18:00:00", Local(after.Due, "Europe/Warsaw"));
    }
}
