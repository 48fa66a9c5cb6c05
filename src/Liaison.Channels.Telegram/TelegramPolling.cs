using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Liaison.Core.Background;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Liaison.Channels.Telegram;

/// <summary>
/// Long polling for a bot whose mode is "polling": deleteWebhook first (Telegram refuses getUpdates
/// while a webhook is set), then getUpdates with a timeout, over and over. Each update is handed to
/// the inbound sink as the delivery a webhook would have posted; the offset (the next update_id,
/// which confirms the earlier ones to Telegram) is stored as the channel's checkpoint only after
/// they are committed. A crash in between gets the same updates again, which are stored once.
/// A bot in webhook mode is left alone here.
/// </summary>
public sealed class TelegramPolling(TelegramBots bots, IInboundSink sink, IChannelCheckpoints checkpoints, TimeProvider time, ILogger<TelegramPolling>? log = null) : IPullingChannel
{
    public const string OffsetKey = "offset";
    private readonly ConcurrentDictionary<long, PullStatus> statuses = new();

    public ChannelKind Kind => ChannelKind.Telegram;

    public PullStatus? StatusOf(long channelId) => statuses.TryGetValue(channelId, out var status) ? status : null;

    public async Task RunAsync(long channelId, ChannelSettings settings, CancellationToken ct)
    {
        if (!TelegramDescriptor.IsPolling(settings) || settings[TelegramDescriptor.BotToken] is not { Length: > 0 } token)
        {
            // Posted to instead: nothing to fetch for as long as the channel stays as it is.
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
            return;
        }
        token = token.Trim();
        var bot = bots.For(token);
        var failures = 0;
        statuses[channelId] = new PullStatus("connecting", 0, 0, null, null);
        try
        {
            var webhookGone = false;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (!webhookGone)
                    {
                        await bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct);
                        webhookGone = true;
                        // Telegram answered: from here the bot is waiting for updates, which a long poll can do for a while.
                        if (failures == 0) statuses[channelId] = new PullStatus("idle", 0, 0, null, null);
                    }
                    var stored = await checkpoints.GetAsync(channelId, OffsetKey, ct);
                    long? offset = long.TryParse(stored, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var o) ? o : null;
                    var updates = await bots.GetUpdatesAsync(token, offset, bots.Options.PollTimeout, ct);
                    if (updates.Count > 0)
                    {
                        var committed = new List<Task>(updates.Count);
                        foreach (var (updateId, json) in updates)
                        {
                            await using var payload = new MemoryStream(Encoding.UTF8.GetBytes(json), writable: false);
                            committed.Add((await sink.AcceptAsync(channelId, new DeliveryKey(TelegramAdapter.UpdateKey(updateId)), payload, backfill: false, ct)).Committed);
                        }
                        await Task.WhenAll(committed);
                        // Only now: the next call's offset tells Telegram it may forget these.
                        await checkpoints.SetAsync(channelId, OffsetKey, (updates.Max(u => u.UpdateId) + 1).ToString(CultureInfo.InvariantCulture), ct);
                    }
                    failures = 0;
                    statuses[channelId] = new PullStatus("idle", updates.Count, updates.Count, null, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failures++;
                    // 409: another getUpdates or a webhook set meanwhile; deleteWebhook again on the next round.
                    if (e is ApiRequestException { ErrorCode: 409 }) webhookGone = false;
                    var wait = e is ApiRequestException { ErrorCode: 429, Parameters.RetryAfter: { } after }
                        ? TimeSpan.FromSeconds(after)
                        : Backoff.Queue.After(failures).ToTimeSpan();
                    if (wait > TimeSpan.FromMinutes(5)) wait = TimeSpan.FromMinutes(5);
                    var words = e is ApiRequestException api ? $"Telegram: {api.Message}" : e.Message;
                    statuses[channelId] = new PullStatus("failing", 0, 0, words, wait);
                    log?.LogWarning("Telegram channel {ChannelId} could not fetch updates ({Error}); trying again in {Wait}", channelId, words, wait);
                    await Task.Delay(wait, time, ct);
                }
            }
        }
        finally
        {
            statuses.TryRemove(channelId, out _);
        }
    }
}
