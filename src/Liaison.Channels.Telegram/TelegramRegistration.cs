using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Channels.Telegram;

public static class TelegramRegistration
{
    /// <summary>
    /// The Telegram channel: its descriptor (connect: getMe, then setWebhook or deleteWebhook), its
    /// adapter for updates, its long polling, its file fetcher and its sender. The Bot API's address
    /// is <c>Liaison:Telegram:BotApiBase</c> (Telegram's own unless set: a self-hosted Bot API server, a test's fake).
    /// </summary>
    public static IServiceCollection AddTelegramChannel(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = new TelegramOptions();
            if (sp.GetService<IConfiguration>()?["Liaison:Telegram:BotApiBase"] is { Length: > 0 } configured) options.BotApiBase = new Uri(configured.TrimEnd('/') + "/");
            return options;
        });
        services.TryAddSingleton<TelegramBots>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ChannelDescriptor>(sp => new TelegramDescriptor(sp.GetRequiredService<TelegramBots>()));
        services.AddSingleton<IChannelAdapter, TelegramAdapter>();
        services.TryAddSingleton<TelegramMediaFetcher>();
        services.AddSingleton<IMediaFetcher>(sp => sp.GetRequiredService<TelegramMediaFetcher>());
        services.TryAddSingleton<TelegramSender>();
        services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<TelegramSender>());
        services.TryAddSingleton<TelegramPolling>();
        services.AddSingleton<IPullingChannel>(sp => sp.GetRequiredService<TelegramPolling>());
        return services;
    }
}
