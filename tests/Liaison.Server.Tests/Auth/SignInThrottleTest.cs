using Liaison.Server.Auth;
using NodaTime;
using NodaTime.Testing;

namespace Liaison.Server.Tests.Auth;

public class SignInThrottleTest
{
    private readonly FakeClock clock = new(Instant.FromUtc(2026, 12, 1, 9, 0));

    [Fact]
    public void TenFailuresFromOneClient_BlockIt_ForEveryAddress_UntilTheWindowSlidesOn()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.FailuresPerClient - 1; i++)
        {
            throttle.Failed($"victim{i}@example.com", "203.0.113.7");
            clock.AdvanceMinutes(1);
        }
        Assert.Null(throttle.RetryAfter("someone@example.com", "203.0.113.7"));

        throttle.Failed("victim@example.com", "203.0.113.7");

        Assert.Equal(Duration.FromMinutes(6), throttle.RetryAfter("someone@example.com", "203.0.113.7"));
        Assert.Null(throttle.RetryAfter("someone@example.com", "198.51.100.1"));
        clock.Advance(Duration.FromMinutes(6));
        Assert.Null(throttle.RetryAfter("someone@example.com", "203.0.113.7"));
    }

    [Fact]
    public void AnAddressGuessedFromManyPlaces_RefusesThosePlaces_NotAFreshOne()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.FailuresPerAddress; i++) throttle.Failed("owner@example.com", $"203.0.113.{i}");

        Assert.Equal(SignInThrottle.Window, throttle.RetryAfter("OWNER@example.com ", "203.0.113.3"));
        Assert.Null(throttle.RetryAfter("owner@example.com", "198.51.100.1"));
        Assert.Null(throttle.RetryAfter("someone-else@example.com", "203.0.113.3"));
    }

    [Fact]
    public void RightPassword_ForgetsThatClientsTyposOnTheAddress()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.FailuresPerAddress; i++) throttle.Failed("owner@example.com", i < 2 ? "198.51.100.1" : $"203.0.113.{i}");
        Assert.NotNull(throttle.RetryAfter("owner@example.com", "198.51.100.1"));

        throttle.Succeeded("owner@example.com", "198.51.100.1");

        Assert.Null(throttle.RetryAfter("owner@example.com", "198.51.100.1"));
    }
}
