using Liaison.Core;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Server.Features.Agreements;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Components.Pages.Agreements;

/// <summary>
/// The editor's form state for one agreement: strings and lists a form can bind to, read from an
/// <see cref="AgreementDocument"/> and turned back into one. It only translates shapes; every rule is
/// checked by <see cref="AgreementDocument.Validate"/> when the document is saved or previewed.
/// </summary>
public sealed class AgreementDraft
{
    public static readonly IsoDayOfWeek[] Week =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    private static readonly LocalTimePattern Short = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalTimePattern Long = LocalTimePattern.CreateWithInvariantCulture("HH:mm:ss");

    public sealed class Range
    {
        public TimeOnly Start { get; set; } = new(9, 0);
        public TimeOnly End { get; set; } = new(17, 0);
        public bool EndsNextDay { get; set; }
    }

    public sealed class DayOffRow
    {
        public DateOnly? Start { get; set; }
        public DateOnly? End { get; set; }
        public string? Name { get; set; }
        public bool EveryYear { get; set; }
    }

    public sealed class RuleRow
    {
        /// <summary>"" for any channel kind.</summary>
        public string Channel { get; set; } = "";
        public Urgency Urgency { get; set; }
        public decimal Amount { get; set; } = 1;
        public ResponseUnit Unit { get; set; } = ResponseUnit.WorkingHours;
    }

    public sealed class DutyRow
    {
        public string Channel { get; set; } = "";
        /// <summary>"" for any urgency.</summary>
        public string Urgency { get; set; } = "";
    }

    public sealed class AcknowledgementRow
    {
        public string Language { get; set; } = "en";
        public string Text { get; set; } = "";
        public string? SameZoneText { get; set; }
    }

    public string OurTimeZone { get; set; } = "";
    public string ClientTimeZone { get; set; } = "";
    public Dictionary<IsoDayOfWeek, List<Range>> WorkingHours { get; } = [];
    public Dictionary<IsoDayOfWeek, List<Range>> ContactHours { get; } = [];
    /// <summary>Per weekday, times separated by commas: "09:00, 13:00".</summary>
    public Dictionary<IsoDayOfWeek, string> CheckWindows { get; } = [];
    public List<DayOffRow> DaysOff { get; } = [];
    public List<DutyRow> RoundTheClock { get; } = [];
    /// <summary>Accepted kinds in the agreement's order, so re-saving does not report a reordering as a change.</summary>
    public List<string> Accepted { get; } = [];
    public string Preferred { get; set; } = "email";
    public string? PreferredReason { get; set; }
    public List<RuleRow> ResponseTimes { get; } = [];
    public ReportFrequency ReportFrequency { get; set; }
    public string ReportTimes { get; set; } = "";
    public IsoDayOfWeek? ReportWeekday { get; set; }
    public bool ReportAtEachStageChange { get; set; }
    public string Language { get; set; } = "en";
    public FileDelivery Files { get; set; }
    public VoiceMessagePolicy VoiceMessages { get; set; }
    public long ResponsibleMemberId { get; set; }
    public List<AcknowledgementRow> Acknowledgements { get; } = [];

    public static AgreementDraft From(Agreement a, IEnumerable<AcknowledgementTemplate> acknowledgements)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new AgreementDraft
        {
            OurTimeZone = a.OurTimeZone,
            ClientTimeZone = a.ClientTimeZone,
            Preferred = a.Channels.Preferred.Value,
            PreferredReason = a.Channels.PreferredReason,
            ReportFrequency = a.Reports.Frequency,
            ReportTimes = Times(a.Reports.Times),
            ReportWeekday = a.Reports.Weekday,
            ReportAtEachStageChange = a.Reports.AtEachStageChange,
            Language = a.Language,
            Files = a.Files,
            VoiceMessages = a.VoiceMessages,
            ResponsibleMemberId = a.ResponsibleMemberId,
        };
        foreach (var day in Week)
        {
            d.WorkingHours[day] = a.WorkingHours.For(day).Select(ToRow).ToList();
            d.ContactHours[day] = a.ContactHours.For(day).Select(ToRow).ToList();
            d.CheckWindows[day] = Times(a.CheckWindows.For(day));
        }
        d.AddDaysOff(a.DaysOff);
        d.RoundTheClock.AddRange(a.RoundTheClock.Select(r => new DutyRow { Channel = r.Channel?.Value ?? "", Urgency = r.Urgency?.ToString() ?? "" }));
        foreach (var kind in a.Channels.Accepted) d.Accepted.Add(kind.Value);
        d.ResponseTimes.AddRange(a.ResponseTimes.Select(r => new RuleRow { Channel = r.Channel?.Value ?? "", Urgency = r.Urgency, Amount = r.Within.Amount, Unit = r.Within.Unit }));
        d.Acknowledgements.AddRange(acknowledgements.Select(t => new AcknowledgementRow { Language = t.Language, Text = t.Text, SameZoneText = t.SameZoneText }));
        return d;
    }

    public void AddDaysOff(IEnumerable<DayOff> daysOff)
    {
        foreach (var off in daysOff)
            DaysOff.Add(new DayOffRow { Start = off.Start.ToDateOnly(), End = off.End?.ToDateOnly(), Name = off.Name, EveryYear = off.EveryYear });
    }

    /// <summary>
    /// The document these fields describe. Throws <see cref="DomainRuleException"/> naming the field for
    /// a value that is not a time or a date; the agreement's own rules are left to its validation.
    /// </summary>
    public AgreementDocument ToDocument() => new(new Agreement
    {
        Version = 0,
        OurTimeZone = OurTimeZone.Trim(),
        ClientTimeZone = ClientTimeZone.Trim(),
        WorkingHours = Hours(WorkingHours),
        ContactHours = Hours(ContactHours),
        DaysOff = DaysOffList(),
        RoundTheClock = RoundTheClock.Select(r => new RoundTheClockDuty(
            r.Channel.Length == 0 ? null : RequestKind(r.Channel, "roundTheClock"),
            r.Urgency.Length == 0 ? null : Enum.Parse<Urgency>(r.Urgency))).ToList(),
        CheckWindows = new CheckWindows
        {
            Monday = ParseTimes(CheckWindows[IsoDayOfWeek.Monday], "checkWindows.monday"),
            Tuesday = ParseTimes(CheckWindows[IsoDayOfWeek.Tuesday], "checkWindows.tuesday"),
            Wednesday = ParseTimes(CheckWindows[IsoDayOfWeek.Wednesday], "checkWindows.wednesday"),
            Thursday = ParseTimes(CheckWindows[IsoDayOfWeek.Thursday], "checkWindows.thursday"),
            Friday = ParseTimes(CheckWindows[IsoDayOfWeek.Friday], "checkWindows.friday"),
            Saturday = ParseTimes(CheckWindows[IsoDayOfWeek.Saturday], "checkWindows.saturday"),
            Sunday = ParseTimes(CheckWindows[IsoDayOfWeek.Sunday], "checkWindows.sunday"),
        },
        Channels = new ChannelTerms(Accepted.Select(k => RequestKind(k, "channels.accepted")).ToList(),
            RequestKind(Preferred, "channels.preferred"), string.IsNullOrWhiteSpace(PreferredReason) ? null : PreferredReason.Trim()),
        ResponseTimes = ResponseTimes.Select(r => new ResponseRule(r.Channel.Length == 0 ? null : RequestKind(r.Channel, "responseTimes"), r.Urgency, new ResponseTime(r.Amount, r.Unit))).ToList(),
        Reports = new ReportCadence(ReportFrequency, ParseTimes(ReportTimes, "reports.times"), ReportWeekday, ReportAtEachStageChange),
        Language = Language,
        Files = Files,
        VoiceMessages = VoiceMessages,
        ResponsibleMemberId = ResponsibleMemberId,
    }, Acknowledgements.Select(a => new AcknowledgementTemplate(a.Language, a.Text, string.IsNullOrWhiteSpace(a.SameZoneText) ? null : a.SameZoneText)).ToList());

    public static string DayName(IsoDayOfWeek day) => day.ToString().ToLowerInvariant();

    private static Range ToRow(TimeOfDayRange r) => new() { Start = r.Start.ToTimeOnly(), End = r.End.ToTimeOnly(), EndsNextDay = r.EndsNextDay };

    private static string Times(IEnumerable<LocalTime> times) => string.Join(", ", times.Select(Short.Format));

    private static WeeklyHours Hours(Dictionary<IsoDayOfWeek, List<Range>> days)
    {
        TimeOfDayRange[] Day(IsoDayOfWeek d) => days[d].Select(r =>
            new TimeOfDayRange(LocalTime.FromTimeOnly(r.Start), LocalTime.FromTimeOnly(r.End), r.EndsNextDay)).ToArray();
        return new WeeklyHours
        {
            Monday = Day(IsoDayOfWeek.Monday), Tuesday = Day(IsoDayOfWeek.Tuesday), Wednesday = Day(IsoDayOfWeek.Wednesday),
            Thursday = Day(IsoDayOfWeek.Thursday), Friday = Day(IsoDayOfWeek.Friday), Saturday = Day(IsoDayOfWeek.Saturday), Sunday = Day(IsoDayOfWeek.Sunday),
        };
    }

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

    private static LocalTime ParseTime(string? text, string field)
    {
        var t = text?.Trim() ?? "";
        var parsed = Short.Parse(t);
        if (parsed.Success) return parsed.Value;
        parsed = Long.Parse(t);
        return parsed.Success ? parsed.Value : throw new DomainRuleException("time.invalid", $"'{text}' is not a time such as 09:30.", field);
    }

    private static List<LocalTime> ParseTimes(string? text, string field) =>
        (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).Select(t => ParseTime(t, field)).ToList();

    private static ChannelKind RequestKind(string text, string field) => Features.RequestValues.Kind(text, field);
}
