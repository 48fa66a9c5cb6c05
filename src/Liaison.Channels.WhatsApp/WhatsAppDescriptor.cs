using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Identities;
using NodaTime;

namespace Liaison.Channels.WhatsApp;

/// <summary>
/// A WhatsApp Business number as the rest of Liaison sees it: posted to by Meta's webhooks, one chat
/// per counterpart, a 24-hour window for free-form replies (templates outside it), statuses for our
/// messages. Its addresses are wa_ids: the phone number in digits, without the "+".
/// </summary>
public static class WhatsAppDescriptor
{
    public static ChannelDescriptor Instance { get; } = new(ChannelKind.WhatsApp, new ChannelLook("WhatsApp", "✆", "whatsapp"))
    {
        Uses = ChannelUses.Account | ChannelUses.Identity | ChannelUses.NoteSource | ChannelUses.FragmentSource,
        Order = 40,
        Addresses = new WaIdRule(),
        SamePersonAs = new HashSet<ChannelKind> { ChannelKind.Phone },
        Threads = ThreadRule.PerCounterpart,
        Receives = Receiving.Webhook,
        Capabilities = new ChannelCapabilities(Statuses: true, Templates: true, ReplyWindow: Duration.FromHours(24)),
        Settings =
        [
            new(WhatsAppAdapter.AppSecret, "App secret", SettingKind.Password) { Help = "From your Meta app's settings: every delivery is signed with it." },
            // Withheld like a secret: whoever knows it can subscribe another app to this address.
            new(WhatsAppAdapter.VerifyToken, "Verify token")
            {
                Secret = true,
                Required = false,
                Help = "Any phrase; enter the same in Meta's webhook setup so it can confirm this address.",
            },
            new(WhatsAppMediaFetcher.AccessToken, "Access token", SettingKind.Password)
            {
                Required = false,
                Help = "A system user's token with whatsapp_business_messaging: replies are sent and photos, voice notes and files that arrive are fetched with it.",
            },
            new(WhatsAppSender.PhoneNumberId, "Phone number ID")
            {
                Required = false,
                Help = "From WhatsApp Manager → API setup (not the phone number itself): replies are sent from it.",
            },
            new(WhatsAppTemplates.BusinessAccountId, "WhatsApp Business Account ID")
            {
                Required = false,
                Help = "From WhatsApp Manager → API setup: its approved templates are offered once a client's 24-hour window has closed.",
            },
        ],
    };

    /// <summary>
    /// A wa_id ("48601234567"): typed as a phone number in any of its spellings ("+48 601 234 567",
    /// "0048…", or national with the default region) or as the digits Meta sends; shown as a phone.
    /// </summary>
    private sealed class WaIdRule : AddressRule
    {
        public override string Example => "+48 600 100 200";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            // Meta's own form: digits with the country code. Read as an international number.
            var typed = text.All(char.IsAsciiDigit) && !text.StartsWith('0') ? "+" + text : text;
            return AddressRules.Phone.Normalize(kind, typed, defaultRegion).TrimStart('+');
        }

        public override string Display(string normalized) => AddressRules.Phone.Display("+" + normalized);
    }
}
