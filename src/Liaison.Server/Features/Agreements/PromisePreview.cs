using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;

namespace Liaison.Server.Features.Agreements;

/// <summary>An instant as read in one zone: the zone id and the local date-time with its offset.</summary>
public sealed record ZonedTime(string TimeZone, OffsetDateTime At)
{
    public static ZonedTime Of(Instant instant, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        return new ZonedTime(zone.Id, instant.InZone(zone).ToOffsetDateTime());
    }
}

/// <summary>
/// What a client would be promised for a message, and the acknowledgement they would get, under the
/// agreement version and our calendar version in force when it arrived. The endpoint and the editor's
/// live preview both use <see cref="For"/>.
/// </summary>
/// <param name="Acknowledgement">in the client's language.</param>
/// <param name="Acknowledgements">by language: en, pl, ru, bg.</param>
public sealed record PromisePreview(
    Instant ReceivedAt, string Channel, Urgency Urgency, Instant Due, ZonedTime DueInClientZone, ZonedTime DueInOurZone,
    int AgreementVersion, int CalendarVersion, string Language, string Acknowledgement, IReadOnlyDictionary<string, string> Acknowledgements)
{
    public static PromisePreview For(AgreementDocument document, OurCalendar calendar, Instant received, ChannelKind channel, Urgency urgency)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(calendar);
        var terms = document.Terms;
        var promise = new PromiseSchedule(terms, calendar).PromiseFor(received, channel, urgency);
        // "today"/"tomorrow" in the acknowledgement are meant from the moment the message arrived.
        var texts = Agreement.Languages.ToDictionary(l => l, l => Core.Acknowledgements.Acknowledgement.Write(promise, terms, calendar, received, document.AcknowledgementFor(l)));
        return new PromisePreview(received, channel.Value, urgency, promise.Due,
            ZonedTime.Of(promise.Due, terms.ClientTimeZone), ZonedTime.Of(promise.Due, calendar.TimeZone),
            promise.AgreementVersion, promise.CalendarVersion, terms.Language, texts[terms.Language], texts);
    }
}

/// <summary>The "how we work together" document: structured sections and the same as Markdown.</summary>
public sealed record WorkingTogetherView(string Language, string Title, int AgreementVersion, IReadOnlyList<DocumentSection> Sections, string Markdown)
{
    public static WorkingTogetherView For(Agreement terms, OurCalendar calendar, string responsiblePersonName, Instant now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var asOf = now.InZone(DateTimeZoneProviders.Tzdb[terms.ClientTimeZone]).Date;
        var document = WorkingTogetherDocument.For(terms, calendar, responsiblePersonName, asOf);
        return new WorkingTogetherView(document.Language, document.Title, terms.Version, document.Sections, document.ToMarkdown());
    }
}
