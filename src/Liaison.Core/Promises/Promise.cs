using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Promises;

/// <summary>Where a promise stands.</summary>
public enum PromiseStatus
{
    /// <summary>Not answered yet, and the deadline has not passed.</summary>
    Open,
    /// <summary>Answered at or before the deadline.</summary>
    Kept,
    /// <summary>Not answered by the deadline; broken at <see cref="Promise.Due"/>.</summary>
    Broken,
}

/// <summary>
/// For an inbound message that needs an answer: the instant by which we answer it, from the client's
/// agreement version and our calendar version in force when it arrived.
/// </summary>
/// <remarks>
/// Rules: <see cref="Due"/> is never before <see cref="Received"/>. A reply at or before
/// <see cref="Due"/> keeps the promise ("by 10:00" includes 10:00); without one it is broken at
/// <see cref="Due"/>, and a later reply does not mend it. The terms are fixed when the promise is
/// made: a new agreement or calendar version does not move it.
/// </remarks>
public readonly record struct Promise(Instant Received, ChannelKind Channel, Urgency Urgency, int AgreementVersion, int CalendarVersion, Instant Due)
{
    /// <summary>The status given the first reply (null when none) and the current instant.</summary>
    public PromiseStatus Evaluate(Instant? repliedAt, Instant now)
    {
        if (repliedAt is { } reply && reply <= now)
            return reply <= Due ? PromiseStatus.Kept : PromiseStatus.Broken;
        return now > Due ? PromiseStatus.Broken : PromiseStatus.Open;
    }

    /// <summary>The instant the promise was broken, or null when it is open or kept.</summary>
    public Instant? BrokenAt(Instant? repliedAt, Instant now) =>
        Evaluate(repliedAt, now) == PromiseStatus.Broken ? Due : null;
}
