using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Core.Outbound;
using NodaTime;

namespace Liaison.Channels.Messenger;

/// <summary>
/// A Facebook Page's Messenger inbox as the rest of Liaison sees it: posted to by Meta's webhooks,
/// one chat per person (their page-scoped id), statuses for our messages. Meta lets a page answer
/// freely for 24 hours after the person last wrote (messaging_type RESPONSE); after that only a
/// person's reply, tagged HUMAN_AGENT, within 7 days, and only where the page was granted that
/// permission. Nothing else can go: there are no templates to fall back on.
/// </summary>
public sealed class MessengerDescriptor : ChannelDescriptor
{
    public const string HumanAgentTag = "HUMAN_AGENT";
    public static readonly Duration StandardWindow = Duration.FromHours(24);
    public static readonly Duration HumanAgentWindow = Duration.FromDays(7);

    public static MessengerDescriptor Instance { get; } = new();

    private MessengerDescriptor() : base(ChannelKind.Messenger, GlossaryChannels.FacebookMessenger.Look)
    {
        Uses = ChannelUses.Account | ChannelUses.Identity | ChannelUses.NoteSource | ChannelUses.FragmentSource;
        Order = GlossaryChannels.FacebookMessenger.Order;
        Addresses = GlossaryChannels.FacebookMessenger.Addresses;
        Threads = ThreadRule.PerCounterpart;
        Receives = Receiving.Webhook;
        Capabilities = new ChannelCapabilities(Statuses: true, ReplyWindow: StandardWindow);
        Settings =
        [
            new(MessengerAdapter.AppSecret, "App secret", SettingKind.Password) { Help = "From your Meta app's settings: every delivery is signed with it." },
            new(MessengerAdapter.VerifyToken, "Verify token")
            {
                Secret = true,
                Required = false,
                Help = "Any phrase; enter the same in the app's Messenger webhook setup so Meta can confirm this address.",
            },
            new(MessengerSender.PageAccessToken, "Page access token", SettingKind.Password)
            {
                Required = false,
                Help = "The page's token with pages_messaging: replies are sent with it.",
            },
            new(HumanAgent, "Human agent permission", SettingKind.Bool)
            {
                Required = false,
                Default = "false",
                Help = "Only if Meta granted this app the Human Agent feature: a reply you write can then go up to 7 days after the client's last message instead of 24 hours.",
            },
        ];
    }

    public const string HumanAgent = "humanAgent";

    public override ReplyWindow ReplyWindowAt(Instant now, Instant? lastHeard, MessagePurpose purpose, ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var standard = ReplyWindow.After(lastHeard, StandardWindow, now, templatesAllowed: false);
        // The tag is for a person answering a person, never for an automatic message.
        if (standard is ReplyWindow.Open || purpose != MessagePurpose.Person || !string.Equals(settings[HumanAgent], "true", StringComparison.OrdinalIgnoreCase))
            return standard;
        return ReplyWindow.After(lastHeard, HumanAgentWindow, now, templatesAllowed: false) is ReplyWindow.Open stretched
            ? stretched with { Tag = HumanAgentTag }
            : new ReplyWindow.Closed(lastHeard + HumanAgentWindow, TemplatesAllowed: false);
    }
}
