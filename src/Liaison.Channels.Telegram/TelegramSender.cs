using System.Globalization;
using Liaison.Core;
using Liaison.Core.Attachments;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using NodaTime;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace Liaison.Channels.Telegram;

/// <summary>
/// Sends through the Bot API: sendMessage (a reply names the answered message in reply_parameters
/// and goes to the chat it was said in, a group's too), then each attached file (sendPhoto for an
/// image, sendDocument otherwise); a single file carries a short text as its caption. Telegram's
/// answers map onto the outbox's outcomes: 429 with retry_after defers until then, 400/401/403
/// (bot blocked, chat not found) reject in Telegram's words, and a 5xx or a network error is thrown
/// for the outbox to retry.
/// </summary>
public sealed class TelegramSender(TelegramBots bots, IAttachmentFiles files, IClock clock) : IChannelSender
{
    private const int MaxText = 4096;
    private const int MaxCaption = 1024;

    public ChannelKind Kind => ChannelKind.Telegram;

    public OutboundDraft Prepare(OutboundDraft draft, ChannelSettings settings)
    {
        if (draft.Content.Template is not null)
            throw new DomainRuleException("telegram.template.unsupported", "Telegram has no provider templates; send the text itself.", "template");
        if (draft.Content.Text.Length > MaxText)
            throw new DomainRuleException("telegram.text.length", $"A Telegram message is at most {MaxText:N0} characters; this one has {draft.Content.Text.Length:N0}.", "text");
        return draft;
    }

    public async Task<SendOutcome> SendAsync(OutboundDraft draft, ChannelSettings settings, CancellationToken ct)
    {
        var bot = bots.For(settings.Required(TelegramDescriptor.BotToken).Trim());
        var answered = TelegramAdapter.ParseMessageKey(draft.Content.ReplyToProviderMessageId);
        ChatId chat = answered is { } a ? a.ChatId : ChatIdOf(draft.To);
        var reply = answered is { } r ? new ReplyParameters { MessageId = (int)r.MessageId, AllowSendingWithoutReply = true } : null;
        var text = draft.Content.Text;
        var attachments = draft.Content.Attachments;
        var captioned = attachments.Count == 1 && text.Length <= MaxCaption;

        string? first = null;
        var parts = (captioned || text.Length == 0 ? 0 : 1) + attachments.Count;
        var done = 0;
        try
        {
            if (!captioned && text.Length > 0)
            {
                var sent = await bot.SendMessage(chat, text, replyParameters: reply, cancellationToken: ct);
                first = Key(sent);
                done++;
                reply = null;
            }
            foreach (var attachment in attachments)
            {
                await using var stream = files.Open(attachment.Sha256)
                    ?? throw new DomainRuleException("telegram.attachment.missing", $"The file {attachment.Name} is no longer stored here.", "attachments");
                var input = InputFile.FromStream(stream, attachment.Name);
                var caption = captioned ? text : null;
                var sent = attachment.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !attachment.ContentType.Contains("svg", StringComparison.OrdinalIgnoreCase)
                    ? await bot.SendPhoto(chat, input, caption, replyParameters: reply, cancellationToken: ct)
                    : await bot.SendDocument(chat, input, caption, replyParameters: reply, cancellationToken: ct);
                first ??= Key(sent);
                done++;
                reply = null;
            }
        }
        catch (Exception e) when (first is not null && e is not OperationCanceledException)
        {
            // Part of it left: sending again would repeat that part. Said, not retried.
            return new SendOutcome.Sent(first, $"{parts - done} of {parts} parts were not sent: {Words(e)}");
        }
        catch (ApiRequestException e) when (e.ErrorCode == 429)
        {
            var wait = e.Parameters?.RetryAfter ?? 5;
            return new SendOutcome.Deferred(clock.GetCurrentInstant() + Duration.FromSeconds(wait), $"Telegram: {e.Message}");
        }
        catch (ApiRequestException e) when (e.ErrorCode is >= 400 and < 500)
        {
            return new SendOutcome.Rejected(e.ErrorCode.ToString(CultureInfo.InvariantCulture), $"Telegram: {e.Message}");
        }
        return first is null
            ? throw new DomainRuleException("message.text.required", "A message needs text or a file.", "text")
            : new SendOutcome.Sent(first);
    }

    private static string Key(Message sent) => TelegramAdapter.MessageKey(sent.Chat.Id, sent.MessageId);

    private static string Words(Exception e) => e is ApiRequestException api ? $"Telegram: {api.Message}" : e.Message;

    /// <summary>A numeric id (a person's, a group's), or an @username (which Telegram accepts for public groups and channels).</summary>
    private static ChatId ChatIdOf(string to) =>
        long.TryParse(to, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? new ChatId(id) : new ChatId(to);
}
