using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Channels.WhatsApp;

public static class WhatsAppRegistration
{
    /// <summary>The WhatsApp channel: its descriptor, its webhook adapter, its media fetcher for images, voice and files that arrive by id, and its sender (text and templates through the Graph API).</summary>
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services)
    {
        services.AddSingleton(WhatsAppDescriptor.Instance);
        services.AddSingleton<IChannelAdapter, WhatsAppAdapter>();
        services.TryAddSingleton<WhatsAppOptions>();
        services.TryAddSingleton<WhatsAppMediaFetcher>();
        services.AddSingleton<IMediaFetcher>(sp => sp.GetRequiredService<WhatsAppMediaFetcher>());
        services.AddSingleton<IChannelSender, WhatsAppSender>();
        return services;
    }
}
