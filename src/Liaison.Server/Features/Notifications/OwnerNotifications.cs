using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using Liaison.Server.Data;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Promises;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Notifications;

/// <summary>Something the owner hears about at once, outside check windows: today only an urgent promise.</summary>
/// <param name="Why">the urgency's source (24/7 duty, a VIP sender, a marker in the text, the sender's flag).</param>
public sealed record OwnerNotice(long PromiseId, long MessageId, long ClientId, string ClientName, ChannelKind Channel, string Snippet, Instant DueAt, UrgencyReason Why);

/// <summary>
/// The channel-neutral seam through which the owner is interrupted: a browser notification on an
/// open page, an e-mail, a message to the owner's own Telegram chat are each one implementation,
/// registered by whoever provides it; nothing here names a channel. Each is called once per notice.
/// </summary>
public interface IOwnerNotifier
{
    Task NotifyAsync(OwnerNotice notice, CancellationToken ct);
}

/// <summary>
/// Urgent is the only interruption: when an urgent promise is made, every <see cref="IOwnerNotifier"/>
/// hears about it at once — after the transaction that stored it committed (<see cref="LiveUpdates.PromisesMade"/>),
/// never for a normal one. Open owner pages get it through <see cref="LiveUpdates.OwnerNotified"/>.
/// </summary>
/// <remarks>In-process and not stored: a crash between the commit and the call loses the interruption (the promise itself, urgent, leads the queue).</remarks>
public sealed class UrgentNotifications(IDbContextFactory<LiaisonDb> dbs, LiveUpdates live, IEnumerable<IOwnerNotifier> notifiers, ILogger<UrgentNotifications> log) : IHostedService
{
    public const int SnippetLength = 140;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        live.PromisesMade += OnPromisesMade;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        live.PromisesMade -= OnPromisesMade;
        return Task.CompletedTask;
    }

    private void OnPromisesMade(IReadOnlyList<PromiseMade> made)
    {
        var urgent = made.Where(p => p.Urgency == Urgency.Urgent).ToList();
        if (urgent.Count > 0) _ = Task.Run(() => NotifyAsync(urgent));
    }

    private async Task NotifyAsync(List<PromiseMade> urgent)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            var messageIds = urgent.Select(p => p.MessageId).ToList();
            var clientIds = urgent.Select(p => p.ClientId).Distinct().ToList();
            var texts = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Text);
            var names = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name);
            foreach (var p in urgent)
            {
                var text = texts.GetValueOrDefault(p.MessageId) ?? "";
                var notice = new OwnerNotice(p.PromiseId, p.MessageId, p.ClientId, names.GetValueOrDefault(p.ClientId) ?? "", p.ChannelKind,
                    text.Length > SnippetLength ? text[..SnippetLength] + "…" : text, p.DueAt, p.UrgencyReason);
                live.PublishOwnerNotice(notice);
                foreach (var notifier in notifiers)
                {
                    try { await notifier.NotifyAsync(notice, CancellationToken.None); }
                    catch (Exception e) { log.LogWarning(e, "{Notifier} could not tell the owner about urgent promise {PromiseId}", notifier.GetType().Name, p.PromiseId); }
                }
            }
        }
        catch (Exception e)
        {
            log.LogError(e, "Urgent notifications for {Count} promises failed", urgent.Count);
        }
    }
}

public static class NotificationServices
{
    public static IServiceCollection AddLiaisonOwnerNotifications(this IServiceCollection services)
    {
        services.AddHostedService<UrgentNotifications>();
        return services;
    }
}
