using Liaison.Core.Calendars;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>
/// One change between two versions, in the client's words: what (<see cref="Label"/>), how it was and
/// how it is. <see cref="Field"/> is the JSON path of the term ("workingHours.friday").
/// </summary>
public sealed record AgreementChange(string Field, string Label, string Before, string After)
{
    public override string ToString() => $"{Label}: {Before} → {After}";
}

/// <summary>The changes between two versions of an agreement, as a client reads them. Our hours and days off are the calendar's, not compared here.</summary>
public static class AgreementDiff
{
    /// <summary>
    /// Lists what changed from <paramref name="before"/> to <paramref name="after"/>, in
    /// <paramref name="language"/> (the new version's language when null). Equal terms give nothing.
    /// </summary>
    public static IReadOnlyList<AgreementChange> Between(Agreement before, Agreement after, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var t = new AgreementText(language ?? after.Language);
        var changes = new List<AgreementChange>();
        void Add(string field, string label, string was, string now)
        {
            if (was != now) changes.Add(new AgreementChange(field, label, was, now));
        }

        Add("clientTimeZone", t["clientTimeZone"], before.ClientTimeZone, after.ClientTimeZone);
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            var day = WeeklyHours.DayName(d);
            var title = t.Words.WeekdayTitle(d);
            Add($"contactHours.{day}", $"{t["contactHours"]} — {title}", t.Ranges(before.ContactHours.For(d)), t.Ranges(after.ContactHours.For(d)));
        }
        Add("roundTheClock", t["roundTheClock"], List(t, before.RoundTheClock.Select(t.Duty)), List(t, after.RoundTheClock.Select(t.Duty)));
        Add("channels.preferred", t["preferred"],
            $"{t.Channel(before.Channels.Preferred)}{Reason(before.Channels.PreferredReason)}", $"{t.Channel(after.Channels.Preferred)}{Reason(after.Channels.PreferredReason)}");
        Add("channels.accepted", t["channels"], List(t, before.Channels.Accepted.Select(t.Channel)), List(t, after.Channels.Accepted.Select(t.Channel)));
        foreach (var key in before.ResponseTimes.Concat(after.ResponseTimes).Select(r => (r.Channel, r.Urgency)).Distinct())
        {
            var was = before.ResponseTimes.FirstOrDefault(r => r.Channel == key.Channel && r.Urgency == key.Urgency);
            var now = after.ResponseTimes.FirstOrDefault(r => r.Channel == key.Channel && r.Urgency == key.Urgency);
            var label = (now ?? was)!;
            var name = t.Response(label);
            Add($"responseTimes.{key.Channel?.Value ?? "any"}.{key.Urgency.ToString().ToLowerInvariant()}",
                $"{t["responseTimes"]} — {name[..name.IndexOf(':', StringComparison.Ordinal)]}",
                was is null ? t["none"] : t.Within(was.Within), now is null ? t["none"] : t.Within(now.Within));
        }
        Add("reports", t["reports"], t.Reports(before.Reports), t.Reports(after.Reports));
        Add("language", t["language"], before.Language, after.Language);
        Add("files", t["files"], t["files." + before.Files], t["files." + after.Files]);
        Add("voiceMessages", t["voice"], t["voice." + before.VoiceMessages], t["voice." + after.VoiceMessages]);
        Add("speakingAs", t["speakingAs"], t["speakingAs." + before.SpeakingAs], t["speakingAs." + after.SpeakingAs]);
        var (ab, aa) = (before.Acknowledgements ?? AcknowledgementTerms.Default, after.Acknowledgements ?? AcknowledgementTerms.Default);
        var ack = t["acknowledgements"];
        Add("acknowledgements.enabled", ack, t[ab.Enabled ? "ack.on" : "ack.off"], t[aa.Enabled ? "ack.on" : "ack.off"]);
        Add("acknowledgements.offOn", $"{ack} — {t["ack.offOn"]}", List(t, ab.OffOn.Select(t.Channel)), List(t, aa.OffOn.Select(t.Channel)));
        Add("acknowledgements.thresholdMinutes", $"{ack} — {t["ack.threshold"]}", Minutes(t, ab.ThresholdMinutes), Minutes(t, aa.ThresholdMinutes));
        Add("acknowledgements.delayMinutes", $"{ack} — {t["ack.delay"]}", Minutes(t, ab.DelayMinutes), Minutes(t, aa.DelayMinutes));
        Add("acknowledgements.conversationPeriodMinutes", $"{ack} — {t["ack.period"]}", Minutes(t, ab.ConversationPeriodMinutes), Minutes(t, aa.ConversationPeriodMinutes));
        Add("acknowledgements.maxPerSenderPerDay", $"{ack} — {t["ack.cap"]}", t.Words.Number(ab.MaxPerSenderPerDay), t.Words.Number(aa.MaxPerSenderPerDay));
        Add("responsibleMemberId", t["responsibleMember"], before.ResponsibleMemberId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            after.ResponsibleMemberId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return changes;
    }

    private static string List(AgreementText t, IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? t["none"] : string.Join(", ", list);
    }

    private static string Minutes(AgreementText t, int minutes) => t.Words.Count(minutes, Acknowledgements.CountedUnit.Minute);

    private static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $" — {reason.Trim()}";
}
