using System.ComponentModel.DataAnnotations;
using Liaison.Core.Channels;
using Liaison.Core.Identities;
using Liaison.Core.Messages;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Messages;

/// <summary>
/// Records one message and finds where it belongs: identity → contact → client and conversation, or
/// the unknown senders list. The inbound pipeline and every import call this; the API exposes it for
/// history that arrives by other means (a script, an export).
/// </summary>
public static class RecordMessage
{
    /// <param name="Channel">the channel kind it was exchanged on.</param>
    /// <param name="Direction">inbound (from the client) or outbound (from us).</param>
    /// <param name="Counterpart">the client side's address: the sender of an inbound message, the recipient of an outbound one.</param>
    /// <param name="CounterpartName">the name the client side uses there, shown for unknown senders.</param>
    /// <param name="ThreadKey">the channel's own thread id; messages without one form one chat per address.</param>
    /// <param name="ProviderMessageId">the provider's id of the message: recording the same id again answers 409.</param>
    /// <param name="Backfill">true for history recorded after the fact, not a message that just arrived; false by default.</param>
    public sealed record Request(
        [property: MaxLength(32)] string? Channel, [property: MaxLength(16)] string? Direction, [property: MaxLength(320)] string? Counterpart,
        [property: MaxLength(200)] string? CounterpartName, [property: MaxLength(RequestText.MaxMessageTextLength)] string? Text, [property: MaxLength(64)] string? OccurredAt,
        [property: MaxLength(1000)] string? Subject = null, [property: MaxLength(RequestText.MaxMessageHtmlLength)] string? Html = null,
        [property: MaxLength(400)] string? ThreadKey = null, [property: MaxLength(Core.Inbound.DeliveryKey.MaxLength)] string? ProviderMessageId = null,
        bool? Backfill = null);

    /// <param name="ChannelId">the channel it is stored on: for a message recorded here, the workspace's API channel.</param>
    /// <param name="Backfill">history recorded after the fact (<see cref="Message.IsBackfill"/>), not live.</param>
    public sealed record Recorded(long Id, long? ClientId, long? ContactId, long? ConversationId, long? UnknownSenderId, long ChannelId = 0, bool Backfill = false);

    /// <param name="ChannelId">the channel it came through: a connected account, or one that only records history (<see cref="ChannelKind.OnlyRecordsHistory"/>).</param>
    /// <param name="Channel">the kind it was exchanged on; for a connected account, that account's kind.</param>
    /// <param name="IsBackfill">history recorded after the fact (<see cref="Message.IsBackfill"/>).</param>
    /// <param name="Aliases">other normalised addresses of the same sender (a Telegram @username): a contact known by one gets <paramref name="CounterpartAddress"/> too.</param>
    /// <param name="GroupAddress">the normalised address of the group chat it was said in: a client's work chat makes an unknown sender that client's contact.</param>
    /// <param name="SenderMarkedUrgent">the sender's program marked it urgent (<see cref="Message.SenderMarkedUrgent"/>).</param>
    public sealed record Incoming(
        long ChannelId, ChannelKind Channel, MessageDirection Direction, string CounterpartAddress, string? CounterpartName, string Text, Instant OccurredAt,
        string? Subject = null, string? Html = null, string? ThreadKey = null, string? ProviderMessageId = null,
        bool IsAutomated = false, bool FormattingWithheld = false, int AttachmentsLeftOut = 0, bool IsBackfill = false,
        IReadOnlyList<string>? Aliases = null, string? GroupAddress = null, string? GroupName = null,
        bool SenderMarkedUrgent = false);

    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        api.MapPost("/messages", async Task<Created<Recorded>> (Request request, LiaisonDb db, IClock clock, IOptions<LiaisonOptions> options, ChannelDescriptors channels, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
        {
            var kind = RequestValues.Kind(request.Channel, "channel");
            // HTML from outside is sanitised like mail's (no scripts, forms, remote loads) before anyone
            // renders it, within the same caps; a dropped request stops it.
            var html = request.Html is null ? null : Liaison.Html.SafeHtml.Prepare(request.Html, withText: string.IsNullOrWhiteSpace(request.Text), ct);
            var channelId = await Channels.HistoryChannels.ApiAsync(db, user.WorkspaceId(), clock.GetCurrentInstant(), ct);
            var incoming = new Incoming(
                channelId, kind,
                request.Direction is null ? MessageDirection.Inbound : RequestValues.Enum<MessageDirection>(request.Direction, "direction"),
                channels.Normalize(kind, request.Counterpart, options.Value.DefaultPhoneRegion) is var address ? address : "",
                request.CounterpartName,
                string.IsNullOrWhiteSpace(request.Text) ? html?.Text ?? request.Text ?? "" : request.Text,
                request.OccurredAt is null ? clock.GetCurrentInstant() : RequestValues.Instant(request.OccurredAt, "occurredAt"),
                request.Subject, html?.Html, request.ThreadKey, request.ProviderMessageId, FormattingWithheld: html?.Withheld ?? false,
                IsBackfill: request.Backfill ?? false);
            if (string.IsNullOrWhiteSpace(incoming.Text) && string.IsNullOrWhiteSpace(incoming.Html))
                throw new Core.DomainRuleException("message.text.required", "A message needs text.", "text");
            var recorded = await RecordAsync(db, channels, incoming, clock.GetCurrentInstant(), ct);
            return TypedResults.Created($"/api/messages/{recorded.Id}", recorded);
        }).WithTags("Messages")
          .WithDescription("Records a message exchanged outside a connected channel and places it on its client's timeline, or with the unknown senders.");
        return api;
    }

    /// <summary>Records <paramref name="incoming"/> in one transaction.</summary>
    public static Task<Recorded> RecordAsync(LiaisonDb db, ChannelDescriptors channels, Incoming incoming, Instant now, CancellationToken ct) =>
        db.InTransactionAsync(async () => (await MessageBatch.RecordAsync(db, channels, [incoming], now, ct))[0]
            ?? throw new Core.DomainConflictException("message.duplicate", $"Message {incoming.ProviderMessageId} of this channel is already recorded.", "providerMessageId"), ct);
}
