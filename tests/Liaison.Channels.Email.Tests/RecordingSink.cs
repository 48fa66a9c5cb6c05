using System.Collections.Concurrent;
using Liaison.Core.Inbound;

namespace Liaison.Channels.Email.Tests;

/// <summary>
/// The inbound pipeline as the sync sees it: stores each delivery once per key (a repeated key is a
/// no-op, as the real pipeline promises) and counts every call, so tests see both.
/// </summary>
internal sealed class RecordingSink : IInboundSink
{
    private readonly ConcurrentDictionary<string, byte[]> _stored = new();
    private int _calls;

    /// <summary>Runs before each delivery is stored; throw from it to simulate a crash mid-sync.</summary>
    public Action<int>? BeforeAccept { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyDictionary<string, byte[]> Stored => _stored;

    /// <summary>Whether each stored delivery was handed over as backfill (history of the initial sync).</summary>
    public ConcurrentDictionary<string, bool> Backfill { get; } = new();

    public async Task<AcceptedDelivery> AcceptAsync(long channelId, DeliveryKey key, Stream payload, bool backfill, CancellationToken ct)
    {
        var call = Interlocked.Increment(ref _calls);
        BeforeAccept?.Invoke(call);
        using var buffer = new MemoryStream();
        await payload.CopyToAsync(buffer, ct);
        if (_stored.TryAdd(key.Value, buffer.ToArray())) Backfill[key.Value] = backfill;
        return AcceptedDelivery.AlreadyCommitted;
    }

    /// <summary>What the pipeline ends with after parsing and its (channel, ProviderMessageId) dedup.</summary>
    public IReadOnlyList<InboundMessage> Messages(ChannelSettings settings) =>
        _stored.Values
            .SelectMany(raw => new EmailAdapter().Parse(raw, settings).OfType<InboundMessage>())
            .DistinctBy(m => m.ProviderMessageId)
            .ToList();
}

/// <summary>Reads each payload to the end while keeping nothing, sampling how much managed memory is live.</summary>
internal sealed class MeasuringSink : IInboundSink
{
    public long Bytes { get; private set; }
    public long PeakLiveBytes { get; private set; }

    public async Task<AcceptedDelivery> AcceptAsync(long channelId, DeliveryKey key, Stream payload, bool backfill, CancellationToken ct)
    {
        var buffer = new byte[81920];
        var sinceSample = 0L;
        int read;
        while ((read = await payload.ReadAsync(buffer, ct)) > 0)
        {
            Bytes += read;
            sinceSample += read;
            if (sinceSample >= 4 * 1024 * 1024)
            {
                sinceSample = 0;
                PeakLiveBytes = Math.Max(PeakLiveBytes, GC.GetTotalMemory(forceFullCollection: true));
            }
        }
        return AcceptedDelivery.AlreadyCommitted;
    }
}
