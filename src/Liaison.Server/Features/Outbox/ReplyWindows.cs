using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Features.Outbox;

/// <summary>
/// The reply window of one conversation, as its channel's descriptor rules it: from the last message
/// the counterpart wrote on that channel. Asked when a message is queued (refused when it cannot go),
/// when it is handed to the provider (a deferral may have outlived the window), and by the composer.
/// </summary>
public sealed class ReplyWindows(ChannelDirectory directory, IClock clock)
{
    public async Task<ReplyWindow> ForAsync(LiaisonDb db, long channelId, ChannelKind kind, string counterpartAddress, MessagePurpose purpose, ChannelSettings settings, CancellationToken ct)
    {
        var descriptor = directory.Descriptors.For(kind);
        // Most channels have no window: no query.
        var always = descriptor.ReplyWindowAt(clock.GetCurrentInstant(), clock.GetCurrentInstant(), purpose, settings);
        if (always is ReplyWindow.Always) return always;
        var lastHeard = await db.Messages.AsNoTracking()
            .Where(m => m.ChannelId == channelId && m.CounterpartAddress == counterpartAddress && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.OccurredAt).Select(m => (Instant?)m.OccurredAt).FirstOrDefaultAsync(ct);
        return descriptor.ReplyWindowAt(clock.GetCurrentInstant(), lastHeard, purpose, settings);
    }

    /// <summary>Throws the 400 that says why <paramref name="content"/> cannot go through <paramref name="window"/>; nothing when it can.</summary>
    public static void Check(ReplyWindow window, OutboundContent content, ChannelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(content);
        if (window.Allows(content)) return;
        var closed = (ReplyWindow.Closed)window;
        throw new DomainRuleException("message.window.closed", Explain(closed, descriptor), content.Template is null && closed.TemplatesAllowed ? "text" : "channelId");
    }

    /// <summary>"The WhatsApp reply window closed at 2026-12-01 10:15 UTC …; only an approved template can go now."</summary>
    public static string Explain(ReplyWindow.Closed closed, ChannelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(closed);
        ArgumentNullException.ThrowIfNull(descriptor);
        var since = closed.ClosedAt is { } at
            ? $"The {descriptor.Look.Label} reply window closed at {Pattern.Format(at)} UTC: free text may go only within {Hours(descriptor)} of the client's last message"
            : $"The client has not written on this {descriptor.Look.Label} channel yet, so no reply window is open";
        return since + (closed.TemplatesAllowed ? "; only an approved template can go now." : "; a message can go once they write again.");
    }

    private static string Hours(ChannelDescriptor descriptor) =>
        descriptor.Capabilities.ReplyWindow is { } length ? $"{length.TotalHours:0} hours" : "the window";

    private static readonly InstantPattern Pattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm");
}
