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

    /// <summary>Working minutes, given the length of a working day in minutes.</summary>
    public long ToWorkingMinutes(long workingDayMinutes) => (long)Math.Round(Unit switch
    {
        ResponseUnit.WorkingMinutes => Amount,
        ResponseUnit.WorkingHours => Amount * 60m,
        _ => Amount * workingDayMinutes,
    }, MidpointRounding.AwayFromZero);

    public override string ToString() => $"{Amount} {Unit}";
}
