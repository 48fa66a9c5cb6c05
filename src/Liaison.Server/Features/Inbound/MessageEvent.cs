using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Inbound;

public enum MessageEventKind
{
    Edited,
    Deleted,
    Sent,
    Delivered,
    Read,
    Failed,
}

/// <summary>
/// Something the provider said about a message after it arrived: an edit (with the text it
/// replaced), a deletion, a delivery status. History is appended, never overwritten. An event can
/// arrive before its message (statuses race sends); it then waits with only the provider's id.
/// </summary>
public sealed class MessageEvent
{
    private MessageEvent() { ProviderMessageId = ""; }

    public MessageEvent(long channelId, string providerMessageId, long? messageId, MessageEventKind kind, Instant at, string? text)
    {
        ChannelId = channelId;
        ProviderMessageId = providerMessageId;
        MessageId = messageId;
        Kind = kind;
        At = at;
        Text = text;
    }

    public long Id { get; private set; }
    public long ChannelId { get; private set; }
    public string ProviderMessageId { get; private set; }
    public long? MessageId { get; private set; }
    public MessageEventKind Kind { get; private set; }
    public Instant At { get; private set; }
    /// <summary>For an edit, the text before it; for a failure, the provider's error.</summary>
    public string? Text { get; private set; }

    public static MessageEventKind From(DeliveryState state) => state switch
    {
        DeliveryState.Sent => MessageEventKind.Sent,
        DeliveryState.Delivered => MessageEventKind.Delivered,
        DeliveryState.Read => MessageEventKind.Read,
        _ => MessageEventKind.Failed,
    };
}

internal sealed class MessageEventMapping : IEntityTypeConfiguration<MessageEvent>
{
    public void Configure(EntityTypeBuilder<MessageEvent> e)
    {
        e.Property(x => x.ProviderMessageId).HasMaxLength(400);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        e.HasOne<Message>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.ChannelId, x.ProviderMessageId });
        e.HasIndex(x => x.MessageId);
    }
}
