using Liaison.Channels.Email;
using Liaison.Channels.WhatsApp;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Features.Inbound;

public static class InboundServices
{
    /// <summary>The inbound pipeline and the channels that feed it: each channel registers with one line.</summary>
    public static IServiceCollection AddLiaisonInbound(this IServiceCollection services)
    {
        services.AddWhatsAppChannel();
        services.AddSingleton(sp => new MailLimits { MaxAttachmentsPerMessage = sp.GetRequiredService<IOptions<LiaisonOptions>>().Value.Inbound.MaxAttachmentsPerMessage });
        services.AddEmailChannel();

        services.AddSingleton<Core.Channels.ChannelDescriptors>();
        services.AddSingleton<ChannelSettingsProtector>();
        services.AddSingleton<ChannelDirectory>();
        services.AddSingleton<LiveUpdates>();
        services.AddSingleton<DeliveryProcessingSignal>();
        services.AddSingleton<WriteTurns>();
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<DeliveryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWriter>());
        services.AddSingleton<DeliveryProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryProcessor>());
        services.AddSingleton<IInboundSink, InboundSink>();
        services.AddSingleton<IChannelCheckpoints, DatabaseChannelCheckpoints>();
        services.AddSingleton<PullingChannels>();
        services.AddHostedService(sp => sp.GetRequiredService<PullingChannels>());
        return services;
    }
}
