using NodaTime;

namespace Liaison.Core.Background;

/// <summary>
/// How long a background step waits after failing: the first wait doubles with every failure in a
/// row up to a cap. One rule for every retrying queue (deliveries, sends, mailbox syncs, media
/// fetches), so they all back off alike and a change of policy is made once.
/// </summary>
/// <param name="First">the wait after the first failure.</param>
/// <param name="Max">the longest wait, however many failures.</param>
/// <param name="Jitter">the share (0–1) by which each wait is spread either way, so that many items
/// failing together (a provider that was down) do not all come back in the same second.</param>
public sealed record Backoff(Duration First, Duration Max, double Jitter = 0)
{
    /// <summary>2 s, 4 s, 8 s … up to an hour, no jitter: the queues' rule.</summary>
    public static readonly Backoff Queue = new(Duration.FromSeconds(2), Duration.FromHours(1));

    /// <summary>The wait after <paramref name="failures"/> failures in a row (1 = the first failure).</summary>
    public Duration After(int failures, Random? random = null)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var wait = Math.Min(First.TotalMilliseconds * Math.Pow(2, exponent), Max.TotalMilliseconds);
        if (Jitter > 0) wait *= 1 - Jitter + (random ?? Random.Shared).NextDouble() * 2 * Jitter;
        return Duration.FromMilliseconds(Math.Max(0, wait));
    }
}
