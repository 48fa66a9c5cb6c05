using NodaTime;

namespace Liaison.Core.Background;

/// <summary>
/// NodaTime's clock read from a <see cref="TimeProvider"/>: the one time source of the process, so
/// the domain's "now" and every timer, delay and poll interval move together, and a test that
/// advances a fake <see cref="TimeProvider"/> moves both.
/// </summary>
public sealed class TimeProviderClock(TimeProvider time) : IClock
{
    public TimeProvider Time { get; } = time;

    public Instant GetCurrentInstant() => Instant.FromDateTimeOffset(Time.GetUtcNow());
}
