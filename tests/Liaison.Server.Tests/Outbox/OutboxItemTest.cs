using Liaison.Core;
using Liaison.Core.Background;
using Liaison.Core.Outbound;
using Liaison.Server.Features.Outbox;
using NodaTime;

namespace Liaison.Server.Tests.Outbox;

public class OutboxItemTest
{
    private static readonly Instant Start = Instant.FromUtc(2026, 11, 23, 9, 0);

    private static OutboxItem NewItem() => new(1, 1, new OutboundContent("Offer", "Text"), Start);

    [Fact]
    public void FailedAttempts_BackOffDoublingCappedAtAnHour_ThenWaitForTheOwner()
    {
        var item = NewItem();
        var waits = new List<Duration>();
        for (var i = 0; i < OutboxItem.MaxAttempts; i++)
        {
            item.MarkFailed(Start, "Connection refused", permanent: false);
            if (item.NextAttemptAt is { } next) waits.Add(next - Start);
        }
        Assert.Equal([2, 4, 8, 16, 32, 64, 128, 256, 512], waits.Select(w => (int)w.TotalSeconds));
        Assert.Equal(OutboxState.Failed, item.State);
        Assert.Null(item.NextAttemptAt);
        Assert.Equal("Connection refused", item.LastError);
        Assert.Equal(Duration.FromHours(1), Backoff.Queue.After(20));
    }

    [Fact]
    public void ProviderKeepsDeferring_WaitsAtMostADayEachTime_AndTheHundredthDeferralInARowLeavesItForTheOwner()
    {
        var item = NewItem();
        item.MarkDeferred(Start, Start + Duration.FromDays(365), "429: retry after 31536000 s");
        Assert.Equal((OutboxState.Deferred, (Instant?)(Start + Duration.FromDays(1))), (item.State, item.NextAttemptAt));
        item.MarkDeferred(Start, Start - Duration.FromMinutes(5), "429: retry after -300 s");
        Assert.Equal(Start, item.NextAttemptAt);

        for (var i = item.Deferrals; i < OutboxItem.MaxDeferrals - 1; i++) item.MarkDeferred(Start, Start + Duration.FromSeconds(30), "429: retry after 30 s");
        Assert.Equal((OutboxState.Deferred, 0), (item.State, item.Attempts));
        item.MarkDeferred(Start, Start + Duration.FromSeconds(30), "429: retry after 30 s");
        Assert.Equal((OutboxState.Failed, (Instant?)null), (item.State, item.NextAttemptAt));
        Assert.StartsWith("The provider asked to wait 100 times in a row", item.LastError, StringComparison.Ordinal);

        item.Retry(Start + Duration.FromHours(1));
        item.MarkDeferred(Start + Duration.FromHours(1), Start + Duration.FromHours(2), "429: retry after 3600 s");
        Assert.Equal((OutboxState.Deferred, 1), (item.State, item.Deferrals));
    }

    [Fact]
    public void BrokenRule_IsNotRetriedAutomatically_ButRetryQueuesItAfresh()
    {
        var item = NewItem();
        item.MarkFailed(Start, "An e-mail needs a subject.", permanent: true);
        Assert.Null(item.NextAttemptAt);

        item.Retry(Start + Duration.FromMinutes(1));
        Assert.Equal(OutboxState.Queued, item.State);
        Assert.Equal(0, item.Attempts);
        Assert.Equal(Start + Duration.FromMinutes(1), item.NextAttemptAt);
    }

    [Fact]
    public void RefusedForGood_AfterATransientFailure_FailsAtOnceInTheServersWords_AndRetryStartsTheBackoffAfresh()
    {
        var item = NewItem();
        item.MarkFailed(Start, "Connection refused", permanent: false);
        Assert.Equal(Start + Duration.FromSeconds(2), item.NextAttemptAt);

        var refusal = "The mail server refused it: 550 5.1.1 <anna@example.test>: Recipient address rejected: User unknown";
        item.MarkFailed(Start + Duration.FromSeconds(2), refusal, permanent: true);
        Assert.Equal((OutboxState.Failed, 2, (Instant?)null, refusal), (item.State, item.Attempts, item.NextAttemptAt, item.LastError));

        var retried = Start + Duration.FromHours(1);
        item.Retry(retried);
        Assert.Equal((OutboxState.Queued, 0, (Instant?)retried, (string?)null), (item.State, item.Attempts, item.NextAttemptAt, item.LastError));
        item.MarkFailed(retried, "Connection refused", permanent: false);
        Assert.Equal(retried + Duration.FromSeconds(2), item.NextAttemptAt);
    }

    [Fact]
    public void SentMessage_CannotBeCancelledOrRetried()
    {
        var item = NewItem();
        item.MarkSent(Start, warning: null);
        Assert.Equal("outbox.cancel.state", Assert.Throws<DomainRuleException>(item.Cancel).Rule);
        Assert.Equal("outbox.retry.state", Assert.Throws<DomainRuleException>(() => item.Retry(Start)).Rule);
    }

    [Fact]
    public void Deferred_WaitsUntilTheProvidersInstant_WithoutCountingAnAttempt_AndCanBeCancelled()
    {
        var item = NewItem();
        item.MarkFailed(Start, "Connection refused", permanent: false);
        var until = Start + Duration.FromMinutes(5);

        item.MarkDeferred(Start + Duration.FromSeconds(2), until, "429 Too Many Requests: retry after 300 s");
        Assert.Equal((OutboxState.Deferred, 1, (Instant?)until, "429 Too Many Requests: retry after 300 s"), (item.State, item.Attempts, item.NextAttemptAt, item.LastError));
        // A provider's "retry after 0 s" in the past is now, not a time the claim has already passed.
        item.MarkDeferred(Start + Duration.FromMinutes(10), Start, "retry now");
        Assert.Equal(Start + Duration.FromMinutes(10), item.NextAttemptAt);

        item.Cancel();
        Assert.Equal((OutboxState.Cancelled, (Instant?)null), (item.State, item.NextAttemptAt));
    }

    [Fact]
    public void Rejected_KeepsTheProvidersCodeAndWords_AndWaitsForTheOwner()
    {
        var item = NewItem();
        item.MarkRejected(Start, "550", "The mail server refused it: 550 5.1.1 unknown");
        Assert.Equal((OutboxState.Failed, "550", "The mail server refused it: 550 5.1.1 unknown", (Instant?)null),
            (item.State, item.LastErrorCode, item.LastError, item.NextAttemptAt));

        item.Retry(Start);
        Assert.Null(item.LastErrorCode);
    }
}
