using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// Converts between UTC ticks and a zone's local ticks (both counted from 1970-01-01T00:00), caching
/// the zone interval in use. A mutable struct on the caller's stack: one per computation, never shared.
/// </summary>
/// <remarks>
/// Local times that fall in a gap (spring forward) map to the instant the gap ends, so a working range
/// 02:30–05:00 on a spring-forward night starts at 03:00. Ambiguous local times (fall back) map to
/// the earlier instant for a range start and the later one for a range end, so a range through the
/// repeated hour is as long as the time that really passes.
/// </remarks>
internal struct LocalClock
{
    // Offsets change by far less than a day, so a candidate at least this far inside a zone interval
    // cannot also be valid in a neighbouring one.
    private const long Margin = NodaConstants.TicksPerDay;

    private readonly DateTimeZone _zone;
    private long _intervalStart;
    private long _intervalEnd;
    private long _offset;

    public LocalClock(DateTimeZone zone, long utcTicks)
    {
        _zone = zone;
        Load(utcTicks);
    }

    /// <summary>Local ticks of an instant.</summary>
    public long ToLocal(long utcTicks)
    {
        if (utcTicks < _intervalStart || utcTicks >= _intervalEnd) Load(utcTicks);
        return utcTicks + _offset;
    }

    /// <summary>UTC ticks of a local time; <paramref name="isEnd"/> picks the later of two in an overlap.</summary>
    public long ToUtc(long localTicks, bool isEnd)
    {
        var candidate = localTicks - _offset;
        if (candidate - Margin >= _intervalStart && candidate + Margin < _intervalEnd) return candidate;
        Load(candidate);
        candidate = localTicks - _offset;
        if (candidate - Margin >= _intervalStart && candidate + Margin < _intervalEnd) return candidate;
        return Resolve(localTicks, isEnd);
    }

    private long Resolve(long localTicks, bool isEnd)
    {
        var local = Instant.FromUnixTimeTicks(localTicks).InUtc().LocalDateTime;
        var mapping = _zone.MapLocal(local);
        return mapping.Count switch
        {
            0 => mapping.LateInterval.Start.ToUnixTimeTicks(),
            1 => mapping.Single().ToInstant().ToUnixTimeTicks(),
            _ => (isEnd ? mapping.Last() : mapping.First()).ToInstant().ToUnixTimeTicks(),
        };
    }

    private void Load(long utcTicks)
    {
        var interval = _zone.GetZoneInterval(Instant.FromUnixTimeTicks(utcTicks));
        _intervalStart = interval.HasStart ? interval.Start.ToUnixTimeTicks() : long.MinValue / 2;
        _intervalEnd = interval.HasEnd ? interval.End.ToUnixTimeTicks() : long.MaxValue / 2;
        _offset = interval.WallOffset.Ticks;
    }
}
