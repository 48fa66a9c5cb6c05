using CsCheck;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;
using Xunit;
using static Liaison.Core.Tests.Promises.Calendars;

namespace Liaison.Core.Tests.Agreements;

/// <summary>Values that once broke the server: refused when saving (the agreement or our calendar), and never a crash when computing.</summary>
public class AgreementBoundsTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static Agreement WithEmailWithin(ResponseTime within) =>
        Warsaw() with { EffectiveFrom = Now, ResponseTimes = [.. Warsaw().ResponseTimes.Where(r => r.Channel != ChannelKind.Email), new ResponseRule(ChannelKind.Email, Urgency.Normal, within)] };

    [Theory]
    [InlineData(100_000_000, ResponseUnit.WorkingHours)]
    [InlineData(91, ResponseUnit.WorkingDays)]
    [InlineData(2161, ResponseUnit.WorkingHours)]
    [InlineData(129_601, ResponseUnit.WorkingMinutes)]
    public void Validate_ResponseTimeBeyondNinetyDays_NamesTheRule(decimal amount, ResponseUnit unit)
    {
        var agreement = WithEmailWithin(new ResponseTime(amount, unit));
        var error = Assert.Throws<AgreementRuleException>(agreement.Validate);
        Assert.Equal("responseTimes.too-long", error.Rule);
        Assert.Equal($"responseTimes[{agreement.ResponseTimes.Count - 1}]", error.Field);
    }

    [Fact]
    public void Validate_NinetyDays_Passes() => WithEmailWithin(ResponseTime.Days(90)).Validate();

    [Fact]
    public void Validate_DayOffRangeTo9999_IsRefused()
    {
        var calendar = Ours() with { EffectiveFrom = Now, DaysOff = [new DayOff(new LocalDate(2027, 1, 1), new LocalDate(9999, 12, 31), "For ever")] };
        var error = Assert.Throws<AgreementRuleException>(calendar.Validate);
        Assert.Equal("daysOff.out-of-range", error.Rule);
        Assert.Equal("daysOff[0]", error.Field);
    }

    [Fact]
    public void Validate_DayOffRunLongerThanAYear_IsRefused()
    {
        var calendar = Ours() with { EffectiveFrom = Now, DaysOff = [new DayOff(new LocalDate(2027, 1, 1)), new DayOff(new LocalDate(2027, 2, 1), new LocalDate(2029, 1, 31))] };
        var error = Assert.Throws<AgreementRuleException>(calendar.Validate);
        Assert.Equal("daysOff.too-long", error.Rule);
        Assert.Equal("daysOff[1]", error.Field);
    }

    [Fact]
    public void Validate_EveryDayOffEveryYear_LeavesNoWorkingHours()
    {
        var calendar = Ours() with { EffectiveFrom = Now, DaysOff = [new DayOff(new LocalDate(2000, 1, 1), new LocalDate(2000, 12, 31), "All year", EveryYear: true)] };
        var error = Assert.Throws<AgreementRuleException>(calendar.Validate);
        Assert.Equal("calendar.no-working-hours", error.Rule);
        Assert.Equal("daysOff", error.Field);
        Assert.Contains("leaves no working hours", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DatedDaysOffCoveringTheComingYear_LeaveNoWorkingHours()
    {
        var calendar = Ours() with
        {
            EffectiveFrom = Now,
            DaysOff = [new DayOff(new LocalDate(2026, 11, 1), new LocalDate(2027, 10, 31)), new DayOff(new LocalDate(2027, 11, 1), new LocalDate(2028, 10, 31))],
        };
        Assert.Equal("calendar.no-working-hours", Assert.Throws<AgreementRuleException>(calendar.Validate).Rule);
    }

    [Fact]
    public void Validate_TooManyDaysOff_IsRefused()
    {
        var many = Enumerable.Range(0, CalendarValidation.MaxDaysOff + 1).Select(i => new DayOff(new LocalDate(2030, 1, 1).PlusDays(i * 2))).ToList();
        var error = Assert.Throws<AgreementRuleException>((Ours() with { EffectiveFrom = Now, DaysOff = many }).Validate);
        Assert.Equal("daysOff.too-many", error.Rule);
        Assert.Equal("daysOff", error.Field);
    }

    [Theory]
    [InlineData("Holiday\0")]
    [InlineData("Line\nbreak")]
    public void Validate_DayOffNameWithControlCharacter_NamesTheField(string name)
    {
        var error = Assert.Throws<AgreementRuleException>((Ours() with { DaysOff = [new DayOff(new LocalDate(2027, 1, 1), null, name)] }).Validate);
        Assert.Equal("daysOff[0].name", error.Field);
    }

    [Fact]
    public void Validate_LongPreferredReason_NamesTheField()
    {
        var agreement = Warsaw() with { Channels = Warsaw().Channels with { PreferredReason = new string('r', 501) } };
        Assert.Equal("channels.preferredReason", Assert.Throws<AgreementRuleException>(agreement.Validate).Field);
    }

    [Fact]
    public void Promise_StoredAgreementWithEveryDayOff_FailsAsANamedRule()
    {
        // Stored before the rules above existed: never validated, still read back.
        var stored = Ours() with { DaysOff = [new DayOff(new LocalDate(2000, 1, 1), new LocalDate(2000, 12, 31), EveryYear: true)] };
        var schedule = new PromiseSchedule(Warsaw(), stored);
        var error = Assert.Throws<AgreementRuleException>(() => schedule.DueFor(Now, ChannelKind.Email, Urgency.Normal));
        Assert.Equal("promise.no-working-time", error.Rule);
    }

    [Theory]
    [InlineData(100_000_000, ResponseUnit.WorkingHours, false)]
    [InlineData(1e20, ResponseUnit.WorkingDays, false)]
    [InlineData(1e20, ResponseUnit.WorkingDays, true)]
    public void Promise_StoredAbsurdResponseTime_FailsAsANamedRule(double amount, ResponseUnit unit, bool roundTheClock)
    {
        var stored = WithEmailWithin(new ResponseTime((decimal)amount, unit)) with { RoundTheClock = roundTheClock ? [new RoundTheClockDuty(null, null)] : [] };
        var error = Assert.Throws<AgreementRuleException>(() => new PromiseSchedule(stored, Ours()).DueFor(Now, ChannelKind.Email, Urgency.Normal));
        Assert.Equal("promise.no-working-time", error.Rule);
    }

    private static readonly Gen<DayOff> AnyDayOff =
        Gen.Select(Gen.Int[1970, 9999], Gen.Int[1, 12], Gen.Int[1, 28], Gen.Int[0, 4000], Gen.Bool)
            .Select((y, m, d, length, yearly) =>
            {
                var start = new LocalDate(y, m, d);
                var end = length == 0 || start.Year >= 9989 ? (LocalDate?)null : start.PlusDays(length);
                return new DayOff(start, end, null, yearly && (end is null || length < 365));
            });

    private static readonly Gen<(Agreement Agreement, OurCalendar Calendar)> AnyStoredAgreement =
        Gen.Select(AnyDayOff.Array[0, 6], Gen.Decimal[0.01m, 1e12m], Gen.Enum<ResponseUnit>(), Gen.Bool)
            .Select((daysOff, amount, unit, duty) => (WithEmailWithin(new ResponseTime(amount, unit)) with
            {
                RoundTheClock = duty ? [new RoundTheClockDuty(ChannelKind.Email, null)] : [],
            }, Ours() with { DaysOff = daysOff }));

    [Fact]
    public void Promise_AnyStoredAgreement_IsAPromiseOrANamedRuleNeverACrash() =>
        Gen.Select(AnyStoredAgreement, Gen.Long[Instant.FromUtc(2000, 1, 1, 0, 0).ToUnixTimeTicks(), Instant.FromUtc(2100, 1, 1, 0, 0).ToUnixTimeTicks()])
            .Sample((stored, received) =>
            {
                var at = Instant.FromUnixTimeTicks(received);
                try
                {
                    return new PromiseSchedule(stored.Agreement, stored.Calendar).DueFor(at, ChannelKind.Email, Urgency.Normal) >= at;
                }
                catch (AgreementRuleException e)
                {
                    return e.Rule == "promise.no-working-time";
                }
            }, iter: 300);

    [Fact]
    public void Validate_AnyAcceptedAgreement_CanMakeAPromise() =>
        AnyStoredAgreement.Sample(stored =>
        {
            var candidate = stored.Agreement with { EffectiveFrom = Now };
            var calendar = stored.Calendar with { EffectiveFrom = Now };
            try { candidate.Validate(); calendar.Validate(); }
            catch (AgreementRuleException) { return true; }
            // What validation lets through always has a promise for a message in the first year.
            return new PromiseSchedule(candidate, calendar).DueFor(Now, ChannelKind.Telegram, Urgency.Urgent) >= Now;
        }, iter: 300);
}
