namespace Liaison.Core.Calendars;

/// <summary>
/// Days off compiled for lookup by day number: a bitset over the span of dated entries and a
/// month-day table for yearly ones, so a lookup in the promise hot path is a few array reads.
/// </summary>
internal sealed class DayOffSet
{
    private readonly int _firstDay;
    private readonly ulong[] _bits;
    private readonly bool[]? _yearly; // index month * 32 + day

    public static DayOffSet Empty { get; } = new([]);

    public DayOffSet(IEnumerable<DayOff> daysOff)
    {
        var dated = new List<(int From, int To)>();
        foreach (var off in daysOff)
        {
            if (off.EveryYear)
            {
                _yearly ??= new bool[13 * 32];
                // Mark the month-days of one representative span; 2000 is a leap year, so a yearly
                // 29 February is kept and simply never met in other years.
                var from = CivilDays.From(2000, off.Start.Month, off.Start.Day);
                var to = CivilDays.From(2000, off.Last.Month, off.Last.Day);
                if (to < from || off.Last.Year > off.Start.Year)
                    to = CivilDays.From(2001, off.Last.Month, Math.Min(off.Last.Day, off.Last.Month == 2 ? 28 : 31));
                for (var d = from; d <= to; d++)
                {
                    var (_, m, day) = CivilDays.Split(d);
                    _yearly[m * 32 + day] = true;
                }
            }
            else
            {
                dated.Add((CivilDays.From(off.Start), CivilDays.From(off.Last)));
            }
        }
        if (dated.Count == 0)
        {
            _bits = [];
            return;
        }
        var first = int.MaxValue;
        var last = int.MinValue;
        foreach (var (from, to) in dated)
        {
            first = Math.Min(first, from);
            last = Math.Max(last, to);
        }
        _firstDay = first;
        _bits = new ulong[(last - first) / 64 + 1];
        foreach (var (from, to) in dated)
            for (var d = from; d <= to; d++)
                _bits[(d - first) >> 6] |= 1UL << ((d - first) & 63);
    }

    public bool IsOff(int day)
    {
        var i = day - _firstDay;
        if (i >= 0 && (i >> 6) < _bits.Length && (_bits[i >> 6] & (1UL << (i & 63))) != 0) return true;
        if (_yearly is null) return false;
        var (_, m, d) = CivilDays.Split(day);
        return _yearly[m * 32 + d];
    }
}
