using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Channels.Messenger;

/// <summary>Where the Graph API is; tests point it at a local server that answers as Meta documents.</summary>
public sealed class MessengerOptions
{
    public Uri GraphApiBase { get; set; } = new("https://graph.facebook.com/v23.0/");
}

public static class MessengerRegistration
{
    /// <summary>
    /// The Facebook Messenger channel: its descriptor (the 24-hour window, stretched to 7 days for a
    /// person's reply where the page has the human agent permission), its webhook adapter, its fetcher
    /// for attachments (which arrive as short-lived URLs) and its sender (the Send API). The Graph
    /// API's address is <c>Liaison:Messenger:GraphApiBase</c>, Meta's own unless set.
    /// </summary>
    public static IServiceCollection AddMessengerChannel(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = new MessengerOptions();
            if (sp.GetService<IConfiguration>()?["Liaison:Messenger:GraphApiBase"] is { Length: > 0 } configured) options.GraphApiBase = new Uri(configured.TrimEnd('/') + "/");
            return options;
        });
        services.AddSingleton<ChannelDescriptor>(MessengerDescriptor.Instance);
        services.AddSingleton<IChannelAdapter, MessengerAdapter>();
        services.AddSingleton<IMediaFetcher, MessengerMediaFetcher>();
        services.AddSingleton<IChannelSender, MessengerSender>();
        return services;
    }
}
