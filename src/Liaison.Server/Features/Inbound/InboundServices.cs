using Liaison.Core.Background;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Features.Inbound;

public static class InboundServices
{
    /// <summary>
    /// The inbound pipeline the channels feed. The channels themselves register in Program.cs, one
    /// line each (<c>AddEmailChannel()</c>), with their descriptors; this knows none of them.
    /// </summary>
    public static IServiceCollection AddLiaisonInbound(this IServiceCollection services)
    {
        // The e-mail channel's attachment cap is the server's Liaison:Inbound setting (registered
        // before the channel's own default, which it then leaves alone).
        services.AddSingleton(sp => new Liaison.Channels.Email.MailLimits { MaxAttachmentsPerMessage = sp.GetRequiredService<IOptions<LiaisonOptions>>().Value.Inbound.MaxAttachmentsPerMessage });
        services.AddSingleton<Core.Channels.ChannelDescriptors>();
        services.AddSingleton<ChannelSettingsProtector>();
        services.AddSingleton<ChannelDirectory>();
        services.AddSingleton<LiveUpdates>();
        services.AddKeyedSingleton(DeliveryProcessor.Queue, (sp, _) => new WakeSignal(sp.GetRequiredService<TimeProvider>()));
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
