using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using NodaTime;

namespace Liaison.Core.Outbound;

/// <summary>
/// When a reply may reach the client: within their contact hours, read in their zone. A reply
/// written at 23:00 or on a Sunday is offered to go out at the next contact hour instead (seed 003:
/// don't teach clients that you answer at night); sending now is always possible.
/// </summary>
public static class ContactTime
{
    /// <summary>
    /// The start of the client's next contact hour after <paramref name="now"/>, or null when
    /// <paramref name="now"/> is within their contact hours (or the agreement names none: nothing to wait for).
    /// </summary>
    public static Instant? NextContactHour(Agreement agreement, Instant now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var hours = new WorkingCalendar(agreement.ClientZone, agreement.ContactHours);
        if (!hours.HasWorkingTime || hours.IsWorking(now)) return null;
        return hours.NextWorkingInstant(now);
    }
}
