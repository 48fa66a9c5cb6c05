using System.Security.Cryptography;
using System.Text;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Liaison.Channels.Telegram;

/// <summary>
/// A Telegram bot as the rest of Liaison sees it: connected with its token, receiving either by
/// webhook (Telegram posts each update to <c>/hooks/{id}</c> with a secret token in a header) or by
/// long polling (getUpdates, for installs that the internet cannot reach). One chat per person; a
/// group chat is one conversation of the client whose work chat it is (see <see cref="TelegramAdapter"/>).
/// </summary>
public sealed class TelegramDescriptor : ChannelDescriptor
{
    public const string BotToken = "botToken";
    public const string Mode = "mode";
    public const string Webhook = "webhook";
    public const string Polling = "polling";

    private readonly TelegramBots bots;

    public TelegramDescriptor(TelegramBots bots) : base(ChannelKind.Telegram, GlossaryChannels.Telegram.Look)
    {
        this.bots = bots;
        Uses = GlossaryChannels.Telegram.Uses | ChannelUses.Account;
        Order = GlossaryChannels.Telegram.Order;
        Addresses = GlossaryChannels.Telegram.Addresses;
        Threads = ThreadRule.PerCounterpart;
        Receives = Receiving.Webhook | Receiving.Pulling;
        Capabilities = new ChannelCapabilities(Edits: true);
        Settings =
        [
            new(BotToken, "Bot token", SettingKind.Password) { Help = "From @BotFather (/newbot or /token), like 123456789:AAE…; it is only ever sent to the Bot API." },
            new(Mode, "How updates arrive", SettingKind.Choice)
            {
                Required = false,
                Default = Webhook,
                Help = "A webhook needs this server's public HTTPS address; long polling works behind a firewall.",
                Choices = [(Webhook, "Webhook: Telegram posts here"), (Polling, "Long polling: Liaison asks Telegram")],
            },
        ];
    }

    public override Receiving ReceivesBy(ChannelSettings settings) => IsPolling(settings) ? Receiving.Pulling : Receiving.Webhook;

    public static bool IsPolling(ChannelSettings settings) => string.Equals(settings[Mode]?.Trim(), Polling, StringComparison.OrdinalIgnoreCase);

    protected override void Validate(ChannelSettings settings)
    {
        var token = settings[BotToken]?.Trim() ?? "";
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || colon == token.Length - 1 || !token[..colon].All(char.IsAsciiDigit) || !token[(colon + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new DomainRuleException("telegram.token.shape", "That is not a bot token: @BotFather gives one like 123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ra.", BotToken);
    }

    /// <summary>The token is sent to the Bot API only: a new Bot API address (a setting, not an edit) would not change that.</summary>
    public override bool SameAccount(ChannelSettings before, ChannelSettings after) => before[BotToken]?.Trim() == after[BotToken]?.Trim();

    /// <summary>
    /// Asks getMe (a wrong token is refused in Telegram's words, naming the token), then points the
    /// bot where its updates go: setWebhook to this channel's hook with its secret token, or
    /// deleteWebhook before polling (getUpdates is refused while a webhook is set).
    /// </summary>
    public override async Task ConnectAsync(ChannelConnection connection, CancellationToken ct)
    {
        var token = connection.Settings.Required(BotToken).Trim();
        var bot = bots.For(token);
        await Ask(() => bot.GetMe(ct), BotToken, "the bot token");
        if (IsPolling(connection.Settings))
        {
            await Ask(() => bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct), Mode, "switching the bot to long polling");
            return;
        }
        var url = connection.WebhookUrl
            ?? throw new DomainRuleException("telegram.webhook.address",
                "A webhook needs this server's public address (Liaison:PublicBaseUrl), which is not set: set it, or choose long polling.", Mode);
        await Ask(() => bot.SetWebhook(url.ToString(), secretToken: SecretToken(token), cancellationToken: ct), Mode, "setting the webhook");
    }

    public override Task DisconnectAsync(ChannelConnection connection, CancellationToken ct) =>
        connection.Settings[BotToken] is { Length: > 0 } token ? bots.For(token.Trim()).DeleteWebhook(cancellationToken: ct) : Task.CompletedTask;

    /// <summary>
    /// The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token with every update: derived
    /// from the bot token (HMAC-SHA256), so it is as secret as the token, never stored apart from it,
    /// and a new token gives a new one. 64 hex digits, within Telegram's 1-256 of A-Z, a-z, 0-9, _ and -.
    /// </summary>
    public static string SecretToken(string botToken) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(botToken.Trim()), "Liaison webhook secret_token"u8));

    private static async Task Ask(Func<Task> call, string field, string what)
    {
        try
        {
            await call();
        }
        catch (ApiRequestException e)
        {
            throw new DomainRuleException("telegram.refused", $"Telegram refused {what}: {e.Message} ({e.ErrorCode}).", field);
        }
        catch (Exception e) when (e is RequestException or HttpRequestException or TaskCanceledException)
        {
            throw new DomainRuleException("telegram.unreachable", $"The Bot API could not be reached for {what}: {e.Message}", field);
        }
    }
}
