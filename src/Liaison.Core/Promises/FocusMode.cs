using NodaTime;

namespace Liaison.Core.Promises;

/// <summary>
/// Where the owner stands against the check windows at one instant: inside a check session (the
/// queue is open, with a digest of what arrived since the window before), or outside one (only how
/// many wait and when the next window opens).
/// </summary>
/// <param name="IsOpen">inside a check session, or the calendar has no check windows (focus mode is off then).</param>
/// <param name="OpenedAt">the window this session opened at; null outside one.</param>
/// <param name="ClosesAt">when this session ends; null outside one.</param>
/// <param name="NextOpensAt">the next window after now (after this session when inside one); null when there are none.</param>
/// <param name="DigestSince">the window before this session: the digest shows what arrived since then; outside a session, the last window.</param>
public sealed record CheckSession(bool IsOpen, Instant? OpenedAt, Instant? ClosesAt, Instant? NextOpensAt, Instant? DigestSince)
{
    /// <summary>True when the calendar has check windows, so outside them the UI stays quiet.</summary>
    public bool FocusModeOn => NextOpensAt is not null || OpenedAt is not null;
}

/// <summary>
/// Focus mode: the owner looks at messages at check windows only. A window opens a check session of
/// <see cref="SessionLength"/>; outside sessions the owner's pages show no message content.
/// </summary>
public static class FocusMode
{
    /// <summary>How long a check session lasts from its window.</summary>
    public static readonly Duration SessionLength = Duration.FromMinutes(30);

    public static CheckSession At(CheckWindowSchedule windows, Instant now)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (!windows.HasWindows) return new CheckSession(true, null, null, null, null);
        var last = windows.LastAtOrBefore(now);
        if (last is { } opened && now < opened + SessionLength)
        {
            var closes = opened + SessionLength;
            return new CheckSession(true, opened, closes, windows.NextAtOrAfter(closes), windows.LastAtOrBefore(opened - Duration.Epsilon));
        }
        return new CheckSession(false, null, null, windows.NextAtOrAfter(now), last);
    }
}
