namespace Liaison.Server.Tests.Infrastructure;

/// <summary>Waits for a condition that background work makes true, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}; last seen: {last}");
            await Task.Delay(25);
            last = await probe();
        }
        return last;
    }
}
