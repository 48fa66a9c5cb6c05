namespace Liaison.Core.Agreements;

/// <summary>The unit of a <see cref="ResponseTime"/>. Stored as its name.</summary>
public enum ResponseUnit
{
    WorkingMinutes,
    WorkingHours,
    /// <summary>Working days as defined on <see cref="Calendars.WorkingCalendar"/> (the average working weekday).</summary>
    WorkingDays,
}

/// <summary>
/// How long we take to answer: an amount of working time such as 4 working hours or 1.5 working days.
/// </summary>
/// <remarks>Rules: the amount is positive; fractions are allowed and rounded to a whole minute when used.</remarks>
public sealed record ResponseTime(decimal Amount, ResponseUnit Unit)
{
    public static ResponseTime Minutes(decimal amount) => new(amount, ResponseUnit.WorkingMinutes);
    public static ResponseTime Hours(decimal amount) => new(amount, ResponseUnit.WorkingHours);
    public static ResponseTime Days(decimal amount) => new(amount, ResponseUnit.WorkingDays);

    /// <summary>The longest response time an agreement may promise: 90 days, whatever the unit.</summary>
    public const int MaxDays = 90;

    /// <summary>The largest <see cref="Amount"/> allowed in <paramref name="unit"/> (<see cref="MaxDays"/> expressed in it).</summary>
    public static decimal MaxAmount(ResponseUnit unit) => unit switch
    {
        ResponseUnit.WorkingMinutes => MaxDays * 24m * 60m,
        ResponseUnit.WorkingHours => MaxDays * 24m,
        _ => MaxDays,
    };

    // Far beyond any promise a calendar can keep (WorkingCalendar searches 20 years), yet small
    // enough that Duration.FromMinutes cannot overflow on an absurd stored amount.
    private const long SaturatedMinutes = 1_000_000_000;

    /// <summary>Working minutes, given the length of a working day in minutes; saturates instead of overflowing.</summary>
    public long ToWorkingMinutes(long workingDayMinutes)
    {
        var perUnit = Unit switch
        {
            ResponseUnit.WorkingMinutes => 1m,
            ResponseUnit.WorkingHours => 60m,
            _ => workingDayMinutes,
        };
        if (Amount <= 0 || perUnit <= 0) return 0;
        if (Amount >= SaturatedMinutes / perUnit) return SaturatedMinutes;
        return (long)Math.Round(Amount * perUnit, MidpointRounding.AwayFromZero);
    }

    public override string ToString() => $"{Amount} {Unit}";
}
