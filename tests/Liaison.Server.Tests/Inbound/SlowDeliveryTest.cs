using System.Net;
using Liaison.Channels.WhatsApp;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Inbound;

/// <summary>One delivery that takes its adapter for ever to read, among normal ones.</summary>
public class SlowDeliveryTest
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeliveryThatTakesForEverToRead_DoesNotHoldUpTheOthers_AndIsRecordedOnceItIsRead(DatabaseProvider provider)
    {
        using var release = new ManualResetEventSlim();
        var stalling = new StallingWhatsAppAdapter("TAKES-FOR-EVER", release);
        await using var app = new LiaisonApp(provider, services =>
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(IChannelAdapter) && d.ImplementationType == typeof(WhatsAppAdapter)));
            services.AddSingleton<IChannelAdapter>(stalling);
        });
        await app.StartAsync();
        var channel = await WhatsAppChannel.ConnectAsync(app);

        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Text("48600500600", "Heavy", "wamid.slow.heavy", "TAKES-FOR-EVER", Sent))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await channel.PostAsync(WhatsAppDeliveries.Text("48600700800", "Light", "wamid.slow.light", "a normal message", Sent.AddSeconds(1)))).StatusCode);

        try
        {
            await stalling.Stalled.WaitAsync(TimeSpan.FromMinutes(1));
            // Recorded while the heavy one is still being read: the reader never lets go until released.
            await Eventually.Until(() => app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channel.Id && m.ProviderMessageId == "wamid.slow.light")),
                n => n == 1, "the normal message recorded while the heavy one is still being read", TimeSpan.FromSeconds(30));
            var heavy = await app.WithDb(d => d.InboundDeliveries.SingleAsync(x => x.ChannelId == channel.Id && x.Key.Contains("wamid.slow.heavy")));
            Assert.Equal((DeliveryProcessing.Pending, 1), (heavy.State, heavy.Attempts));
        }
        finally
        {
            release.Set();
        }

        await Eventually.Until(() => app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id && x.State == DeliveryProcessing.Processed)),
            n => n == 2, "the heavy delivery recorded once it was read");
        Assert.Equal(1, await app.WithDb(d => d.Messages.CountAsync(m => m.ChannelId == channel.Id && m.ProviderMessageId == "wamid.slow.heavy")));
        Assert.Equal(1, stalling.StalledReads);
    }

    /// <summary>The real adapter, but reading a message with the marker blocks its thread until released, as a runaway parse would.</summary>
    private sealed class StallingWhatsAppAdapter(string marker, ManualResetEventSlim release) : IChannelAdapter
    {
        private readonly WhatsAppAdapter real = new();
        private readonly TaskCompletionSource stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int stalledReads;

        public Task Stalled => stalled.Task;
        public int StalledReads => stalledReads;
        public ChannelKind Kind => real.Kind;
        public bool IsAuthentic(WebhookRequest request, ChannelSettings settings) => real.IsAuthentic(request, settings);
        public DeliveryKey Identify(ReadOnlySpan<byte> body) => real.Identify(body);
        public WebhookAnswer? AnswerHandshake(WebhookRequest request, ChannelSettings settings) => real.AnswerHandshake(request, settings);

        public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings)
        {
            var items = real.Parse(body, settings);
            if (items.Any(i => i is InboundMessage m && m.Text.Contains(marker, StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref stalledReads);
                stalled.TrySetResult();
                release.Wait();
            }
            return items;
        }
    }
}
