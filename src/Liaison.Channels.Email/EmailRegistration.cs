using Liaison.Core.Inbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Liaison.Channels.Email;

public static class EmailRegistration
{
    /// <summary>
    /// The e-mail channel: its descriptor, its adapter for the inbound pipeline, its sender for the
    /// outbox (<see cref="EmailSender"/> over <see cref="SmtpSender"/>), and
    /// <see cref="ImapSyncFactory"/> for the host's per-mailbox sync loop, with its checkpoints kept
    /// as channel checkpoints. The host provides <see cref="IInboundSink"/>,
    /// <see cref="IChannelCheckpoints"/>, NodaTime's <c>IClock</c> and the <see cref="TimeProvider"/>
    /// the syncs wait on (the system's unless the host registered its own first).
    /// </summary>
    public static IServiceCollection AddEmailChannel(this IServiceCollection services, Action<ImapSyncOptions>? configure = null)
    {
        var options = new ImapSyncOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.AddSingleton<Core.Channels.ChannelDescriptor>(EmailDescriptor.Instance);
        services.TryAddSingleton<IMailboxCheckpoints, MailboxCheckpoints>();
        services.TryAddSingleton(new MailLimits());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmailAdapter>();
        services.AddSingleton<IChannelAdapter>(sp => sp.GetRequiredService<EmailAdapter>());
        services.TryAddSingleton<SmtpSender>();
        services.TryAddSingleton<EmailSender>();
        services.AddSingleton<Core.Outbound.IChannelSender>(sp => sp.GetRequiredService<EmailSender>());
        services.TryAddSingleton<ImapSyncFactory>();
        services.TryAddSingleton<EmailPulling>();
        services.AddSingleton<IPullingChannel>(sp => sp.GetRequiredService<EmailPulling>());
        return services;
    }
}

/// <summary>Makes the <see cref="ImapSync"/> of one mailbox channel from its decrypted settings.</summary>
/// <param name="time">the host's clock: every wait of the syncs it makes runs on it.</param>
public sealed class ImapSyncFactory(IInboundSink sink, IMailboxCheckpoints checkpoints, ImapSyncOptions options, TimeProvider time, ILoggerFactory? loggers = null)
{
    public ImapSync Create(long channelId, ChannelSettings settings) =>
        new(channelId, EmailSettings.From(settings), sink, checkpoints, options, loggers?.CreateLogger<ImapSync>(), time);
}
