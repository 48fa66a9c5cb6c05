using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Liaison.Server.Features.Promises;

public static class PromiseServices
{
    /// <summary>
    /// Stored promises. Who wants to know when one is made subscribes to
    /// <see cref="Inbound.LiveUpdates.PromisesMade"/> (raised after the commit that stored it); the
    /// interceptor that raises it watches every database context.
    /// </summary>
    public static IServiceCollection AddLiaisonPromises(this IServiceCollection services)
    {
        services.AddSingleton<PromiseNotices>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<PromiseNotices>());
        return services;
    }
}
