using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Channels.WhatsApp;

public static class WhatsAppRegistration
{
    /// <summary>The WhatsApp channel (the Graph API's address is <c>Liaison:WhatsApp:GraphApiBase</c>, Meta's own unless set): its descriptor, its webhook adapter, its media fetcher for images, voice and files that arrive by id, and its sender (text and templates through the Graph API).</summary>
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services)
    {
        services.AddSingleton(WhatsAppDescriptor.Instance);
        services.AddSingleton<IChannelAdapter, WhatsAppAdapter>();
        services.TryAddSingleton(sp =>
        {
            var options = new WhatsAppOptions();
            if (sp.GetService<IConfiguration>()?["Liaison:WhatsApp:GraphApiBase"] is { Length: > 0 } configured) options.GraphApiBase = new Uri(configured.TrimEnd('/') + "/");
            return options;
        });
        services.TryAddSingleton<WhatsAppMediaFetcher>();
        services.AddSingleton<IMediaFetcher>(sp => sp.GetRequiredService<WhatsAppMediaFetcher>());
        services.AddSingleton<IChannelSender, WhatsAppSender>();
        services.AddSingleton<ITemplateSource, WhatsAppTemplates>();
        return services;
    }
}
