using Liaison.Core.Background;

namespace Liaison.Server.Features.Acknowledgements;

public static class AcknowledgementServices
{
    /// <summary>The automatic acknowledgements: <see cref="AcknowledgementWorker"/> decides and queues them.</summary>
    public static IServiceCollection AddLiaisonAcknowledgements(this IServiceCollection services)
    {
        services.AddKeyedSingleton(AcknowledgementWorker.Queue, (sp, _) => new WakeSignal(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AcknowledgementWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementWorker>());
        return services;
    }
}
