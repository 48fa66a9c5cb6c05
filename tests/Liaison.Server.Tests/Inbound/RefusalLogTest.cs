using System.Net;
using Liaison.Server.Features.Inbound;
using Microsoft.Extensions.Logging;

namespace Liaison.Server.Tests.Inbound;

public class RefusalLogTest
{
    [Fact]
    public void FloodOfForgedDeliveries_IsLoggedAFewTimesWithACountOfTheRest()
    {
        var lines = new CollectingLogger();
        using var refusals = new RefusalLog(lines);

        for (var i = 0; i < 1000; i++) refusals.Record(42, IPAddress.Loopback);

        Assert.Equal(10, lines.Messages.Count);
        Assert.All(lines.Messages, m => Assert.Contains("channel 42", m));
    }

    private sealed class CollectingLogger : ILogger<RefusalLog>
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
