using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Promises;

/// <summary>
/// One agreement version with the calendar version in force next to it, compiled for making promises
/// fast: our working calendar, check windows and the response rules resolved once. Immutable and safe
/// to share; cache one per pair of versions.
/// </summary>
/// <remarks>
/// <para>The due instant of a message is its arrival plus the response time of its channel kind and
/// urgency, counted in our working time (<see cref="WorkingCalendar"/>: "4 working hours",
/// "1.5 working days").</para>
/// <para>A normal message is never promised before the next check window at or after its arrival:
/// the owner only looks at messages then. An urgent one is not held for a window.</para>
/// <para>Where the contract requires 24/7 duty for the channel kind and urgency, the response time is
/// counted in elapsed time (a working day is 24 hours) and check windows do not apply: someone is on
/// duty.</para>
/// </remarks>
public sealed class PromiseSchedule
{
    private readonly WorkingCalendar _working;
    private readonly WorkingCalendar _always;
    private readonly CheckWindowSchedule _windows;
    private readonly Term[] _terms;
    private readonly (string? Channel, Urgency? Urgency)[] _duties;

    private readonly record struct Term(string? Channel, Urgency Urgency, Duration Working, Duration Elapsed);

    /// <summary>Compiles a valid agreement version and a valid calendar version (see their <c>Validate</c>).</summary>
    public PromiseSchedule(Agreement agreement, OurCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(calendar);
        Agreement = agreement;
        OurCalendar = calendar;
        var zone = calendar.Zone;
        _working = new WorkingCalendar(zone, calendar.WorkingHours, calendar.DaysOff);
        _always = WorkingCalendar.AroundTheClock(zone);
        _windows = new CheckWindowSchedule(zone, calendar.CheckWindows, calendar.DaysOff);
        var dayMinutes = (long)_working.WorkingDay.TotalMinutes;
        var terms = new List<Term>();
        // Rules naming a channel kind first, so the first match is the right one.
        foreach (var rule in agreement.ResponseTimes.OrderBy(r => r.Channel is null ? 1 : 0))
            terms.Add(new Term(rule.Channel?.Value, rule.Urgency,
                Duration.FromMinutes(rule.Within.ToWorkingMinutes(dayMinutes)),
                Duration.FromMinutes(rule.Within.ToWorkingMinutes(24 * 60))));
        _terms = [.. terms];
        _duties = agreement.RoundTheClock.Select(d => (d.Channel?.Value, d.Urgency)).ToArray();
    }

    /// <summary>The agreement version this schedule was compiled from.</summary>
    public Agreement Agreement { get; }

    /// <summary>The calendar version this schedule was compiled from.</summary>
    public OurCalendar OurCalendar { get; }

    /// <summary>Our working calendar under this version.</summary>
    public WorkingCalendar Calendar => _working;

    /// <summary>The check windows under this version.</summary>
    public CheckWindowSchedule CheckWindows => _windows;

    /// <summary>The promise for a message received at <paramref name="received"/>.</summary>
    public Promise PromiseFor(Instant received, ChannelKind channel, Urgency urgency) =>
        new(received, channel, urgency, Agreement.Version, OurCalendar.Version, DueFor(received, channel, urgency));

    /// <summary>The instant by which a message received at <paramref name="received"/> is answered.</summary>
    public Instant DueFor(Instant received, ChannelKind channel, Urgency urgency)
    {
        ref readonly var term = ref FindTerm(channel.Value, urgency);
        if (IsRoundTheClock(channel.Value, urgency)) return _always.Add(received, term.Elapsed);
        var due = _working.Add(received, term.Working);
        if (urgency == Urgency.Urgent) return due;
        var window = _windows.NextAtOrAfter(received);
        return window is { } w && w > due ? w : due;
    }

    private bool IsRoundTheClock(string channel, Urgency urgency)
    {
        foreach (var (c, u) in _duties)
            if ((c is null || string.Equals(c, channel, StringComparison.Ordinal)) && (u is null || u.Value == urgency)) return true;
        return false;
    }

    private ref readonly Term FindTerm(string channel, Urgency urgency)
    {
        var terms = _terms;
        for (var i = 0; i < terms.Length; i++)
        {
            ref readonly var t = ref terms[i];
            if (t.Urgency == urgency && (t.Channel is null || string.Equals(t.Channel, channel, StringComparison.Ordinal))) return ref t;
        }
        throw new AgreementRuleException("responseTimes.missing", $"No response time applies to a {urgency} message on {channel}.", "responseTimes");
    }
}
