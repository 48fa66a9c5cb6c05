using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>
/// Slows password guessing without letting a guesser lock the owner out (what account lockout did:
/// ten wrong passwords from anywhere locked the account for everyone). Failures are counted in a
/// sliding window per client address and per e-mail address typed:
/// <list type="bullet">
/// <item>a client with <see cref="FailuresPerClient"/> recent failures is refused, whatever address it tries;</item>
/// <item>an e-mail address with <see cref="FailuresPerAddress"/> recent failures, from anywhere, is refused
/// only to clients that already failed on it: someone guessing from many places gets one try per place,
/// while the owner signing in from their own device still gets in.</item>
/// </list>
/// Unknown addresses are counted like known ones, so the answer never tells which exist. In memory:
/// a restart forgets the counts, which costs a guesser at most one more window.
/// </summary>
public sealed class SignInThrottle(IClock clock)
{
    public static readonly Duration Window = Duration.FromMinutes(15);
    public const int FailuresPerClient = 10;
    public const int FailuresPerAddress = 10;

    /// <summary>Beyond this many keys, forgotten ones are swept out before another is added.</summary>
    private const int SweepAbove = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<Instant>> failures = new(StringComparer.Ordinal);

    /// <summary>How long until this client may try this address again; null when it may now.</summary>
    public Duration? RetryAfter(string address, string client)
    {
        var now = clock.GetCurrentInstant();
        lock (gate)
        {
            var byClient = Recent(ClientKey(client), now);
            if (byClient is { Count: >= FailuresPerClient }) return byClient.Peek() + Window - now;
            var byAddress = Recent(AddressKey(address), now);
            var byPair = Recent(PairKey(address, client), now);
            if (byAddress is { Count: >= FailuresPerAddress } && byPair is { Count: > 0 })
            {
                var addressCalms = byAddress.Peek() + Window;
                var pairForgotten = byPair.Last() + Window;
                return (addressCalms < pairForgotten ? addressCalms : pairForgotten) - now;
            }
            return null;
        }
    }

    public void Failed(string address, string client)
    {
        var now = clock.GetCurrentInstant();
        lock (gate)
        {
            if (failures.Count > SweepAbove) Sweep(now);
            Add(ClientKey(client), now, FailuresPerClient);
            Add(AddressKey(address), now, FailuresPerAddress);
            Add(PairKey(address, client), now, 1);
        }
    }

    /// <summary>The right password from this client: its earlier typos on this address no longer count against it.</summary>
    public void Succeeded(string address, string client)
    {
        lock (gate) failures.Remove(PairKey(address, client));
    }

    /// <summary>
    /// The client a request comes from: its IP address, or for IPv6 its /64 network, since one
    /// subscriber usually gets a whole /64 and could otherwise change address for every guess.
    /// </summary>
    public static string ClientOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null) return "local";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string ClientKey(string client) => "client " + client;
    private static string AddressKey(string address) => "address " + Normalize(address);
    private static string PairKey(string address, string client) => "pair " + client + " " + Normalize(address);
    private static string Normalize(string address) => address.Trim().ToUpperInvariant();

    private Queue<Instant>? Recent(string key, Instant now)
    {
        if (!failures.TryGetValue(key, out var times)) return null;
        while (times.Count > 0 && times.Peek() + Window <= now) times.Dequeue();
        if (times.Count > 0) return times;
        failures.Remove(key);
        return null;
    }

    private void Add(string key, Instant now, int keep)
    {
        if (!failures.TryGetValue(key, out var times)) failures[key] = times = new Queue<Instant>();
        times.Enqueue(now);
        while (times.Count > keep) times.Dequeue();
    }

    private void Sweep(Instant now)
    {
        foreach (var key in failures.Keys.ToList()) Recent(key, now);
    }
}
