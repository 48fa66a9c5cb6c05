using NodaTime;

namespace Liaison.Core.Calendars;

/// <summary>
/// Check windows: the owner's local times, per weekday, at which messages are processed (09:00,
/// 13:00, 17:30), in our zone. Not on days off. Rule: no time twice on one day.
/// </summary>
public sealed record CheckWindows
{
    public IReadOnlyList<LocalTime> Monday { get; init; } = [];
    public IReadOnlyList<LocalTime> Tuesday { get; init; } = [];
    public IReadOnlyList<LocalTime> Wednesday { get; init; } = [];
    public IReadOnlyList<LocalTime> Thursday { get; init; } = [];
    public IReadOnlyList<LocalTime> Friday { get; init; } = [];
    public IReadOnlyList<LocalTime> Saturday { get; init; } = [];
    public IReadOnlyList<LocalTime> Sunday { get; init; } = [];

    /// <summary>No check windows: a normal promise is not held back.</summary>
    public static CheckWindows None { get; } = new();

    /// <summary>The same times Monday to Friday.</summary>
    public static CheckWindows Weekdays(params LocalTime[] times) => new()
    {
        Monday = times, Tuesday = times, Wednesday = times, Thursday = times, Friday = times,
    };

    public IReadOnlyList<LocalTime> For(IsoDayOfWeek day) => day switch
    {
        IsoDayOfWeek.Monday => Monday,
        IsoDayOfWeek.Tuesday => Tuesday,
        IsoDayOfWeek.Wednesday => Wednesday,
        IsoDayOfWeek.Thursday => Thursday,
        IsoDayOfWeek.Friday => Friday,
        IsoDayOfWeek.Saturday => Saturday,
        IsoDayOfWeek.Sunday => Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(day)),
    };
}
