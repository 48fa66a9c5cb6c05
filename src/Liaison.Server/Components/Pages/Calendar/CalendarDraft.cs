using Liaison.Core;
using Liaison.Core.Calendars;
using Liaison.Server.Components.Pages.Agreements;
using NodaTime;

namespace Liaison.Server.Components.Pages.Calendar;

/// <summary>
/// The Calendar page's form state: strings and lists a form can bind to, read from an
/// <see cref="OurCalendar"/> and turned back into one. It only translates shapes; every rule is
/// checked by <see cref="OurCalendar.Validate"/> when the calendar is saved or previewed.
/// </summary>
public sealed class CalendarDraft
{
    public sealed class DayOffRow
    {
        public DateOnly? Start { get; set; }
        public DateOnly? End { get; set; }
        public string? Name { get; set; }
        public bool EveryYear { get; set; }
    }

    public string TimeZone { get; set; } = "";
    public Dictionary<IsoDayOfWeek, List<AgreementDraft.Range>> WorkingHours { get; } = [];
    /// <summary>Per weekday, times separated by commas: "09:00, 13:00".</summary>
    public Dictionary<IsoDayOfWeek, string> CheckWindows { get; } = [];
    public List<DayOffRow> DaysOff { get; } = [];

    public static CalendarDraft From(OurCalendar c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var d = new CalendarDraft { TimeZone = c.TimeZone };
        foreach (var day in AgreementDraft.Week)
        {
            d.WorkingHours[day] = c.WorkingHours.For(day).Select(AgreementDraft.ToRow).ToList();
            d.CheckWindows[day] = AgreementDraft.Times(c.CheckWindows.For(day));
        }
        d.AddDaysOff(c.DaysOff);
        return d;
    }

    /// <summary>Replaces the rows with <paramref name="daysOff"/> in their order.</summary>
    public void SetDaysOff(IEnumerable<DayOff> daysOff)
    {
        DaysOff.Clear();
        AddDaysOff(daysOff);
    }

    private void AddDaysOff(IEnumerable<DayOff> daysOff)
    {
        foreach (var off in daysOff)
            DaysOff.Add(new DayOffRow { Start = off.Start.ToDateOnly(), End = off.End?.ToDateOnly(), Name = off.Name, EveryYear = off.EveryYear });
    }

    /// <summary>
    /// The calendar these fields describe. Throws <see cref="DomainRuleException"/> naming the field for
    /// a value that is not a time or a date; the calendar's own rules are left to its validation.
    /// </summary>
    public OurCalendar ToCalendar() => new()
    {
        TimeZone = TimeZone.Trim(),
        WorkingHours = AgreementDraft.Hours(WorkingHours),
        DaysOff = DaysOffList(),
        CheckWindows = new CheckWindows
        {
            Monday = Times(IsoDayOfWeek.Monday), Tuesday = Times(IsoDayOfWeek.Tuesday), Wednesday = Times(IsoDayOfWeek.Wednesday),
            Thursday = Times(IsoDayOfWeek.Thursday), Friday = Times(IsoDayOfWeek.Friday), Saturday = Times(IsoDayOfWeek.Saturday), Sunday = Times(IsoDayOfWeek.Sunday),
        },
    };

    private List<LocalTime> Times(IsoDayOfWeek day) => AgreementDraft.ParseTimes(CheckWindows[day], $"checkWindows.{AgreementDraft.DayName(day)}");

    private List<DayOff> DaysOffList()
    {
        var list = new List<DayOff>();
        for (var i = 0; i < DaysOff.Count; i++)
        {
            var row = DaysOff[i];
            if (row.Start is not { } start) throw new DomainRuleException("daysOff.start", "Pick the first day off.", $"daysOff[{i}]");
            list.Add(new DayOff(LocalDate.FromDateOnly(start), row.End is { } end && end != start ? LocalDate.FromDateOnly(end) : null,
                string.IsNullOrWhiteSpace(row.Name) ? null : row.Name.Trim(), row.EveryYear));
        }
        return list;
    }
}
