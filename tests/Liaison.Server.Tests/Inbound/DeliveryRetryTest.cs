using System.Net;
using Liaison.Channels.WhatsApp;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Inbound;

/// <summary>A delivery whose processing fails for a while, on the app's fake clock.</summary>
public class DeliveryRetryTest
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TransientFailure_IsRetriedWhenTheClockReachesItsBackoff_TwoSecondsThenFour(DatabaseProvider provider)
    {
        var flaky = new FlakyWhatsAppAdapter(failures: 2);
        await using var app = new LiaisonApp(provider, services =>
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(IChannelAdapter) && d.ImplementationType == typeof(WhatsAppAdapter)));
            services.AddSingleton<IChannelAdapter>(flaky);
        }, AppClock.Stopped);
        await app.StartAsync();
        var channel = await WhatsAppChannel.ConnectAsync(app);
        var start = Instant.FromDateTimeOffset(app.Time.GetUtcNow());

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Text("48600100200", "Flaky", "wamid.flaky.1", "comes through in the end", Sent))).StatusCode);

        var delivery = await Eventually.Until(() => DeliveryAsync(app, channel), d => d.LastError is not null, "the first attempt failed");
        Assert.Equal((DeliveryProcessing.Pending, 1, start + Duration.FromSeconds(2)), (delivery.State, delivery.Attempts, delivery.NextAttemptAt));
        Assert.Equal(1, flaky.Reads);

        // A second short of its backoff: the processor's poll passes, the retry is not due.
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await DeliveryAsync(app, channel)).Attempts);

        app.Time.Advance(TimeSpan.FromSeconds(1));
        delivery = await Eventually.Until(() => LookAsync(app, channel), d => d.Attempts == 2 && d.LeaseUntil is null, "the second attempt failed (counted when claimed, done when its lease is let go)");
        Assert.Equal((DeliveryProcessing.Pending, start + Duration.FromSeconds(2 + 4)), (delivery.State, delivery.NextAttemptAt));

        app.Time.Advance(TimeSpan.FromSeconds(4));
        delivery = await Eventually.Until(() => LookAsync(app, channel), d => d.State == DeliveryProcessing.Processed, "the third attempt recorded it");
        Assert.Equal((3, 3), (delivery.Attempts, flaky.Reads));
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channel.Id && m.ProviderMessageId == "wamid.flaky.1")));
    }

    /// <summary>
    /// Wakes the processor, then reads the delivery: a poll that read the stopped clock just before the
    /// test moved it waits a whole (fake) interval that never passes. Whether the retry is due is still
    /// the clock's to say; the wake only makes the processor look.
    /// </summary>
    private static Task<InboundDelivery> LookAsync(LiaisonApp app, WhatsAppChannel channel)
    {
        app.Services.GetRequiredKeyedService<Core.Background.WakeSignal>(DeliveryProcessor.Queue).Wake();
        return DeliveryAsync(app, channel);
    }

    private static Task<InboundDelivery> DeliveryAsync(LiaisonApp app, WhatsAppChannel channel) =>
        app.WithDb(d => d.InboundDeliveries.AsNoTracking().SingleAsync(x => x.ChannelId == channel.Id));

    /// <summary>The real adapter, failing as a transient fault would (not as an unreadable payload) the first <c>failures</c> times it reads.</summary>
    private sealed class FlakyWhatsAppAdapter(int failures) : IChannelAdapter
    {
        private readonly WhatsAppAdapter real = new();
        private int reads;

        public int Reads => Volatile.Read(ref reads);
        public ChannelKind Kind => real.Kind;
        public bool IsAuthentic(WebhookRequest request, ChannelSettings settings) => real.IsAuthentic(request, settings);
        public DeliveryKey Identify(ReadOnlySpan<byte> body) => real.Identify(body);
        public WebhookAnswer? AnswerHandshake(WebhookRequest request, ChannelSettings settings) => real.AnswerHandshake(request, settings);

        public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
        {
            if (Interlocked.Increment(ref reads) <= failures) throw new IOException("the disk hiccuped");
            return real.Parse(body, settings);
        }
    }
}
