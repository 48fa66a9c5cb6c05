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
/// The editor's form state for one agreement (the client's terms; ours are the calendar's, see
/// <see cref="Calendar.CalendarDraft"/>): strings and lists a form can bind to, read from an
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

    public string ClientTimeZone { get; set; } = "";
    public Dictionary<IsoDayOfWeek, List<Range>> ContactHours { get; } = [];
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
    public SpeakingAs SpeakingAs { get; set; }
    public long ResponsibleMemberId { get; set; }
    public List<AcknowledgementRow> Acknowledgements { get; } = [];

    public static AgreementDraft From(Agreement a, IEnumerable<AcknowledgementTemplate> acknowledgements)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new AgreementDraft
        {
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
            SpeakingAs = a.SpeakingAs,
            ResponsibleMemberId = a.ResponsibleMemberId,
        };
        foreach (var day in Week)
        {
            d.ContactHours[day] = a.ContactHours.For(day).Select(ToRow).ToList();
        }
        d.RoundTheClock.AddRange(a.RoundTheClock.Select(r => new DutyRow { Channel = r.Channel?.Value ?? "", Urgency = r.Urgency?.ToString() ?? "" }));
        foreach (var kind in a.Channels.Accepted) d.Accepted.Add(kind.Value);
        d.ResponseTimes.AddRange(a.ResponseTimes.Select(r => new RuleRow { Channel = r.Channel?.Value ?? "", Urgency = r.Urgency, Amount = r.Within.Amount, Unit = r.Within.Unit }));
        d.Acknowledgements.AddRange(acknowledgements.Select(t => new AcknowledgementRow { Language = t.Language, Text = t.Text, SameZoneText = t.SameZoneText }));
        return d;
    }

    /// <summary>
    /// The document these fields describe. Throws <see cref="DomainRuleException"/> naming the field for
    /// a value that is not a time or a date; the agreement's own rules are left to its validation.
    /// </summary>
    public AgreementDocument ToDocument() => new(new Agreement
    {
        Version = 0,
        ClientTimeZone = ClientTimeZone.Trim(),
        ContactHours = Hours(ContactHours),
        RoundTheClock = RoundTheClock.Select(r => new RoundTheClockDuty(
            r.Channel.Length == 0 ? null : RequestKind(r.Channel, "roundTheClock"),
            r.Urgency.Length == 0 ? null : Enum.Parse<Urgency>(r.Urgency))).ToList(),
        Channels = new ChannelTerms(Accepted.Select(k => RequestKind(k, "channels.accepted")).ToList(),
            RequestKind(Preferred, "channels.preferred"), string.IsNullOrWhiteSpace(PreferredReason) ? null : PreferredReason.Trim()),
        ResponseTimes = ResponseTimes.Select(r => new ResponseRule(r.Channel.Length == 0 ? null : RequestKind(r.Channel, "responseTimes"), r.Urgency, new ResponseTime(r.Amount, r.Unit))).ToList(),
        Reports = new ReportCadence(ReportFrequency, ParseTimes(ReportTimes, "reports.times"), ReportWeekday, ReportAtEachStageChange),
        Language = Language,
        Files = Files,
        VoiceMessages = VoiceMessages,
        SpeakingAs = SpeakingAs,
        ResponsibleMemberId = ResponsibleMemberId,
    }, Acknowledgements.Select(a => new AcknowledgementTemplate(a.Language, a.Text, string.IsNullOrWhiteSpace(a.SameZoneText) ? null : a.SameZoneText)).ToList());

    public static string DayName(IsoDayOfWeek day) => day.ToString().ToLowerInvariant();

    public static Range ToRow(TimeOfDayRange r) => new() { Start = r.Start.ToTimeOnly(), End = r.End.ToTimeOnly(), EndsNextDay = r.EndsNextDay };

    public static string Times(IEnumerable<LocalTime> times) => string.Join(", ", times.Select(Short.Format));

    public static WeeklyHours Hours(Dictionary<IsoDayOfWeek, List<Range>> days)
    {
        TimeOfDayRange[] Day(IsoDayOfWeek d) => days[d].Select(r =>
            new TimeOfDayRange(LocalTime.FromTimeOnly(r.Start), LocalTime.FromTimeOnly(r.End), r.EndsNextDay)).ToArray();
        return new WeeklyHours
        {
            Monday = Day(IsoDayOfWeek.Monday), Tuesday = Day(IsoDayOfWeek.Tuesday), Wednesday = Day(IsoDayOfWeek.Wednesday),
            Thursday = Day(IsoDayOfWeek.Thursday), Friday = Day(IsoDayOfWeek.Friday), Saturday = Day(IsoDayOfWeek.Saturday), Sunday = Day(IsoDayOfWeek.Sunday),
        };
    }

    private static LocalTime ParseTime(string? text, string field)
    {
        var t = text?.Trim() ?? "";
        var parsed = Short.Parse(t);
        if (parsed.Success) return parsed.Value;
        parsed = Long.Parse(t);
        return parsed.Success ? parsed.Value : throw new DomainRuleException("time.invalid", $"'{text}' is not a time such as 09:30.", field);
    }

    public static List<LocalTime> ParseTimes(string? text, string field) =>
        (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).Select(t => ParseTime(t, field)).ToList();

    private static ChannelKind RequestKind(string text, string field) => Features.RequestValues.Kind(text, field);
}
