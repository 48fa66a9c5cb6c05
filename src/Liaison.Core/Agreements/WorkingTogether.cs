using System.Text;
using Liaison.Core.Calendars;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>One section of the "how we work together" document: a heading and its lines.</summary>
public sealed record DocumentSection(string Heading, IReadOnlyList<string> Lines);

/// <summary>
/// The agreement as the client reads it, in their language: our hours in their zone, when we may
/// write to them, channels and why, answer times, reports, days off ahead, the contact person, how
/// files and voice messages are handled. A document model, rendered as Markdown or plain text.
/// </summary>
public sealed record WorkingTogetherDocument(string Language, string Title, IReadOnlyList<DocumentSection> Sections)
{
    /// <summary>
    /// Builds the document from the client's agreement and our calendar. Our hours are shown in the
    /// client's zone for the week holding <paramref name="asOf"/> (offsets differ between summer and
    /// winter); days off are those from that date on, for a year, at most <paramref name="maxDaysOff"/>.
    /// </summary>
    public static WorkingTogetherDocument For(Agreement agreement, OurCalendar calendar, string responsiblePersonName, LocalDate asOf, int maxDaysOff = 10)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(calendar);
        var t = new AgreementText(agreement.Language, agreement.SpeakingAs);
        var sections = new List<DocumentSection>
        {
            new(t["workingHours"], OurHoursInClientZone(agreement, calendar, asOf, t)),
            new(t["contactHours"], Week(d => t.Ranges(agreement.ContactHours.For(d)), t, skipEmpty: true)),
        };
        var channels = new List<string>();
        var preferred = $"{t["preferred"]}: {t.Channel(agreement.Channels.Preferred)}";
        channels.Add(string.IsNullOrWhiteSpace(agreement.Channels.PreferredReason) ? preferred : $"{preferred} — {agreement.Channels.PreferredReason.Trim()}");
        var others = agreement.Channels.Accepted.Where(c => c != agreement.Channels.Preferred).Select(t.Channel).ToList();
        if (others.Count > 0) channels.Add($"{t["accepted"]}: {string.Join(", ", others)}");
        sections.Add(new(t["channels"], channels));

        var answers = agreement.ResponseTimes.Where(r => r.Channel is null || agreement.Channels.Accepted.Contains(r.Channel.Value))
            .OrderBy(r => r.Urgency).ThenBy(r => r.Channel is null ? 1 : 0).Select(t.Response).ToList();
        answers.AddRange(agreement.RoundTheClock.Select(d => $"{t["roundTheClock"]}: {t.Duty(d)}"));
        sections.Add(new(t["responseTimes"], answers));
        sections.Add(new(t["reports"], [t.Reports(agreement.Reports)]));
        sections.Add(new(t["daysOff"], DaysOffAhead(calendar, asOf, maxDaysOff, t)));
        sections.Add(new(t["responsible"], [responsiblePersonName]));
        sections.Add(new(t["files"], [AgreementText.Capitalise(t["files." + agreement.Files])]));
        sections.Add(new(t["voice"], [t["voiceLine." + agreement.VoiceMessages]]));
        return new WorkingTogetherDocument(agreement.Language, t["title"], sections);
    }

    /// <summary>
    /// Markdown: a title, a heading per section and a bullet per line. Every text is escaped, so a
    /// name or an imported summary reads as the same text wherever the Markdown is rendered: raw HTML,
    /// links and emphasis in it stay literal characters.
    /// </summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder().Append("# ");
        AppendEscaped(sb, Title).Append('\n');
        foreach (var s in Sections)
        {
            sb.Append("\n## ");
            AppendEscaped(sb, s.Heading).Append("\n\n");
            foreach (var line in s.Lines)
            {
                sb.Append("- ");
                AppendEscaped(sb, line).Append('\n');
            }
        }
        return sb.ToString();
    }

    // CommonMark lets any ASCII punctuation be escaped with a backslash. These are the ones that can
    // open markup inline: emphasis, code, links and images, raw HTML and autolinks, entities, tables,
    // strikethrough. A line break would end the bullet, so it becomes a space.
    private const string InlineMarkup = "\\`*_[]<>&|~!";

    // At the start of a bullet these would open a heading, a nested list or a block quote.
    private const string BlockMarkup = "#+-=>";

    private static StringBuilder AppendEscaped(StringBuilder sb, string text)
    {
        text = text.Trim(); // leading spaces could make an indented code block or hide a marker
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n' || char.IsControl(c)) c = ' ';
            if (InlineMarkup.Contains(c) || (i == 0 && BlockMarkup.Contains(c))) sb.Append('\\');
            else if (i > 0 && c is ('.' or ')') && char.IsAsciiDigit(text[i - 1]) && text.AsSpan(0, i).IndexOfAnyExceptInRange('0', '9') < 0)
                sb.Append('\\'); // "1." or "1)" at the start would open an ordered list
            sb.Append(c);
        }
        return sb;
    }

    /// <summary>Plain text: the title, then each heading followed by its lines indented.</summary>
    public string ToPlainText()
    {
        var sb = new StringBuilder().Append(Title).Append('\n');
        foreach (var s in Sections)
        {
            sb.Append('\n').Append(s.Heading).Append('\n');
            foreach (var line in s.Lines) sb.Append("  ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static List<string> Week(Func<IsoDayOfWeek, string> line, AgreementText t, bool skipEmpty)
    {
        var lines = new List<string>();
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            var text = line(d);
            if (skipEmpty && text == t["none"]) continue;
            lines.Add($"{t.Words.WeekdayTitle(d)}: {text}");
        }
        return lines;
    }

    // Each of our ranges in the week of asOf, moved into the client's zone and cut at their midnight.
    private static List<string> OurHoursInClientZone(Agreement a, OurCalendar calendar, LocalDate asOf, AgreementText t)
    {
        var ours = calendar.Zone;
        var theirs = a.ClientZone;
        var monday = asOf.PlusDays(1 - (int)asOf.DayOfWeek);
        var byDay = new Dictionary<IsoDayOfWeek, List<(LocalTime, LocalTime)>>();
        for (var i = 0; i < 7; i++)
        {
            var date = monday.PlusDays(i);
            foreach (var r in calendar.WorkingHours.For(date.DayOfWeek))
            {
                var start = date.At(r.Start).InZoneLeniently(ours).ToInstant().InZone(theirs).LocalDateTime;
                var end = date.PlusDays(r.EndsNextDay ? 1 : 0).At(r.End).InZoneLeniently(ours).ToInstant().InZone(theirs).LocalDateTime;
                while (start < end)
                {
                    var midnight = start.Date.PlusDays(1).AtMidnight();
                    var pieceEnd = end < midnight ? end : midnight;
                    if (!byDay.TryGetValue(start.DayOfWeek, out var list)) byDay[start.DayOfWeek] = list = [];
                    list.Add((start.TimeOfDay, pieceEnd.TimeOfDay));
                    start = pieceEnd;
                }
            }
        }
        return Week(d => byDay.TryGetValue(d, out var list) ? t.Ranges(list.OrderBy(x => x.Item1)) : t["none"], t, skipEmpty: true);
    }

    private static List<string> DaysOffAhead(OurCalendar a, LocalDate asOf, int max, AgreementText t)
    {
        var horizon = asOf.PlusYears(1);
        var ahead = new List<(LocalDate From, LocalDate Last, DayOff Off)>();
        foreach (var off in a.DaysOff)
        {
            if (!off.EveryYear)
            {
                if (off.Last >= asOf && off.Start <= horizon) ahead.Add((off.Start, off.Last, off));
                continue;
            }
            // The next yearly occurrence that has not ended yet.
            for (var year = asOf.Year - 1; year <= asOf.Year + 1; year++)
            {
                var start = new LocalDate(year, off.Start.Month, Math.Min(off.Start.Day, DaysIn(year, off.Start.Month)));
                var last = start.PlusDays(Period.Between(off.Start, off.Last, PeriodUnits.Days).Days);
                if (last >= asOf && start <= horizon) { ahead.Add((start, last, off)); break; }
            }
        }
        var lines = ahead.OrderBy(x => x.From).Take(max).Select(x => t.DayOff(x.Off, x.From, x.Last, asOf)).ToList();
        return lines.Count == 0 ? [t["noDaysOff"]] : lines;
    }

    private static int DaysIn(int year, int month) => CalendarSystem.Iso.GetDaysInMonth(year, month);
}
