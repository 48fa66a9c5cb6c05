using Liaison.Channels.Email;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Server.Tests.Outbox;

/// <summary>Where a server freezes in the middle of a send, for a restart to find.</summary>
public enum Stall
{
    /// <summary>Never: every send goes through (it only counts them).</summary>
    Never,
    /// <summary>After the entry was marked Sending, before the provider was called: the message never left.</summary>
    BeforeItLeaves,
    /// <summary>After the provider accepted the message, before the server wrote down Sent.</summary>
    AfterItLeft,
}

/// <summary>
/// The real e-mail sender with a stall put in: the first send stops at <see cref="Stall"/> until the
/// host shuts down, as a server that froze or died there. Nothing is written after the stall — the
/// shutdown cancels the send — so the outbox entry stays Sending with its lease, exactly as a crash
/// leaves it, without the test touching the database. Counts every call to the provider.
/// </summary>
public sealed class StallingSender(IChannelSender inner, Stall stall) : IChannelSender
{
    private int calls;
    private readonly TaskCompletionSource stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChannelKind Kind => inner.Kind;

    /// <summary>How many sends reached the provider.</summary>
    public int ProviderCalls => Volatile.Read(ref calls);

    /// <summary>Completes when the first send has reached its stall.</summary>
    public Task Stalled => stalled.Task;

    public OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings) => inner.Prepare(draft, settings);

    public Task<bool?> WasSentAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct) => inner.WasSentAsync(draft, settings, ct);

    public async Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        var first = stall != Stall.Never && !stalled.Task.IsCompleted;
        if (first && stall == Stall.BeforeItLeaves) await StallAsync(ct);
        Interlocked.Increment(ref calls);
        var outcome = await inner.SendAsync(draft, settings, ct);
        if (first && stall == Stall.AfterItLeft) await StallAsync(ct);
        return outcome;
    }

    private async Task StallAsync(CancellationToken ct)
    {
        stalled.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, ct);
    }

    /// <summary>Test services: the e-mail channel sends through a <see cref="StallingSender"/>, handed to <paramref name="made"/> (the app's other senders are left out).</summary>
    public static Action<IServiceCollection> ForEmail(Stall stall, Action<StallingSender> made) => services =>
    {
        services.RemoveAll<IChannelSender>();
        services.AddSingleton<IChannelSender>(sp =>
        {
            var sender = new StallingSender(sp.GetRequiredService<EmailSender>(), stall);
            made(sender);
            return sender;
        });
    };
}
