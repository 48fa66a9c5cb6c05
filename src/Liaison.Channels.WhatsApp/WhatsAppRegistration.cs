using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Channels.WhatsApp;

public static class WhatsAppRegistration
{
    /// <summary>The WhatsApp channel: its descriptor and its webhook adapter.</summary>
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services) =>
        services.AddSingleton(WhatsAppDescriptor.Instance)
            .AddSingleton<IChannelAdapter, WhatsAppAdapter>();
}
