using Liaison.Server.Data;
using Liaison.Server.Features.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Features.Outbox;

public static class OutboxServices
{
    /// <summary>The outbox: <see cref="OutboxSender"/> sends through the <see cref="Core.Outbound.IChannelSender"/>s the channel projects register.</summary>
    public static IServiceCollection AddLiaisonOutbox(this IServiceCollection services)
    {
        services.AddKeyedSingleton(OutboxSender.Queue, (sp, _) => new Core.Background.WakeSignal(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<OutboundQueue>();
        services.AddSingleton<ReplyWindows>();
        services.AddSingleton<ChannelTemplates>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        // The client page's composer: per circuit, so a Reply in one browser tab opens only that tab's composer.
        services.AddScoped<Components.Pages.Client.ComposerRequests>();
        return services;
    }

    /// <summary>Adds where each outbound message of <paramref name="items"/> stands in the outbox (messages recorded otherwise have none).</summary>
    public static async Task<List<TimelineApi.TimelineItem>> WithOutbox(LiaisonDb db, List<TimelineApi.TimelineItem> items, CancellationToken ct)
    {
        var ids = items.Where(i => i is { Type: "message", Direction: "outbound" }).Select(i => i.Id).ToList();
        if (ids.Count == 0) return items;
        var states = await db.Outbox().AsNoTracking().Where(o => ids.Contains(o.MessageId))
            .Select(o => new { o.MessageId, o.State, o.LastError, o.NextAttemptAt, o.ScheduledFor, o.Content }).ToDictionaryAsync(o => o.MessageId, ct);
        if (states.Count == 0) return items;
        return items.Select(i => i is { Type: "message" } && states.TryGetValue(i.Id, out var o)
            ? i with
            {
                OutboxState = o.State.ToString().ToLowerInvariant(), LastError = o.LastError, NextAttemptAt = o.NextAttemptAt,
                ScheduledFor = o.State == OutboxState.Queued ? o.ScheduledFor : null, Purpose = o.Content.Purpose.ToString().ToLowerInvariant(),
            }
            : i).ToList();
    }
}
