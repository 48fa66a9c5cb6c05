using Liaison.Core.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Channels.WhatsApp;

public static class WhatsAppRegistration
{
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services) =>
        services.AddSingleton<IChannelAdapter, WhatsAppAdapter>();
}
