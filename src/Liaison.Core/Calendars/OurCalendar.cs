using Liaison.Core.Agreements;
using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// The provider's own calendar: our zone, working hours, days off and check windows. It belongs to
/// the workspace, not to any client: every client's promise is counted in it. One value is one version.
/// </summary>
/// <remarks>
/// <para>Rules: a version is immutable. An edit makes a new version (<see cref="Revise"/>) in force from
/// its <see cref="EffectiveFrom"/>; a promise is counted in the version in force when its message
/// arrived, next to the client's agreement version in force then. <see cref="Validate"/> states every
/// other rule; a version that breaks one is never stored.</para>
/// <para>Working hours, days off and check windows are read in <see cref="TimeZone"/> (a tzdb id).
/// Version 0 is a calendar nobody has saved yet (the default, or one read from agreements stored
/// before the calendar existed).</para>
/// </remarks>
public sealed record OurCalendar
{
    /// <summary>1 for the first stored version, one more for each revision; 0 when not stored.</summary>
    public int Version { get; init; }
    public Instant EffectiveFrom { get; init; }

    /// <summary>Our zone (tzdb id).</summary>
    public required string TimeZone { get; init; }
    /// <summary>Our working hours, in our zone.</summary>
    public WeeklyHours WorkingHours { get; init; } = WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(14, 0, 18, 0));
    /// <summary>Our days off (public holidays, vacations), dates in our zone.</summary>
    public IReadOnlyList<DayOff> DaysOff { get; init; } = [];
    public CheckWindows CheckWindows { get; init; } = CheckWindows.None;

    /// <summary>
    /// The calendar of a workspace that has not saved one: Europe/Warsaw, Monday to Friday
    /// 09:00–17:00, check windows at 09:00, 13:00 and 17:00.
    /// </summary>
    public static OurCalendar Default { get; } = new()
    {
        TimeZone = "Europe/Warsaw",
        WorkingHours = WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 17, 0)),
        CheckWindows = CheckWindows.Weekdays(new LocalTime(9, 0), new LocalTime(13, 0), new LocalTime(17, 0)),
    };

    /// <summary>Our zone, resolved; the calendar must be valid.</summary>
    internal DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];

    /// <summary>
    /// Changed hours, days off or windows as the next version, in force from <paramref name="effectiveFrom"/>.
    /// Throws <see cref="AgreementRuleException"/> when a rule is broken or the change takes effect
    /// before this version does (promises already made keep their terms).
    /// </summary>
    public OurCalendar Revise(OurCalendar changed, Instant effectiveFrom)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (Version > 0 && effectiveFrom <= EffectiveFrom)
            throw new AgreementRuleException("calendar.effective-before-current",
                $"A new version of the calendar must take effect after version {Version} ({EffectiveFrom}); promises already made keep their terms.", "effectiveFrom");
        var next = changed with { Version = Version + 1, EffectiveFrom = effectiveFrom };
        next.Validate();
        return next;
    }

    /// <summary>Checks every rule and throws <see cref="AgreementRuleException"/> naming the first field that breaks one.</summary>
    public void Validate() => CalendarValidation.Validate(this);
}
