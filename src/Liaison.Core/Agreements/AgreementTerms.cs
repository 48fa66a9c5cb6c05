using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>
/// Where we talk: the accepted channel kinds and the preferred one, with the reason shown to the
/// client ("e-mail keeps decisions in writing"). Rule: the preferred kind is one of the accepted.
/// </summary>
public sealed record ChannelTerms(IReadOnlyList<ChannelKind> Accepted, ChannelKind Preferred, string? PreferredReason = null);

/// <summary>How often the client hears about progress. Stored as its name.</summary>
public enum ReportFrequency
{
    None,
    /// <summary>Every day at each of <see cref="ReportCadence.Times"/>.</summary>
    Daily,
    /// <summary>Once a week on <see cref="ReportCadence.Weekday"/> at each of <see cref="ReportCadence.Times"/>.</summary>
    Weekly,
}

/// <summary>
/// The report cadence. Rules: <see cref="Times"/> are local times in the client's zone; weekly needs a
/// weekday; daily and weekly need at least one time. <see cref="AtEachStageChange"/> adds a report
/// whenever the work moves to a new stage, whatever the frequency.
/// </summary>
public sealed record ReportCadence(ReportFrequency Frequency, IReadOnlyList<LocalTime> Times, IsoDayOfWeek? Weekday = null, bool AtEachStageChange = false)
{
    public static ReportCadence None { get; } = new(ReportFrequency.None, []);
}

/// <summary>How files are delivered to the client. Stored as its name.</summary>
public enum FileDelivery
{
    Attachment,
    Link,
}

/// <summary>
/// Who speaks in what the client reads (the acknowledgement and the "how we work together"
/// document, the same in both): a freelancer alone says "I", an agency "we". Stored as its name.
/// </summary>
public enum SpeakingAs
{
    I,
    We,
}

/// <summary>What happens to a voice message from the client. Stored as its name.</summary>
public enum VoiceMessagePolicy
{
    Accept,
    /// <summary>The voice message is kept and the client is asked for a short written summary.</summary>
    AskForWrittenSummary,
}
