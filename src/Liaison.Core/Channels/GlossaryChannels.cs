using Liaison.Core.Identities;

namespace Liaison.Core.Channels;

/// <summary>
/// The descriptors of the glossary's kinds that no channel project brings (yet): a phone, the
/// messengers a contact can be reached on before their channel is connected, notes from a meeting or
/// elsewhere, and the channels that only hold recorded history. A channel project that comes for
/// one of them (Telegram) registers its own descriptor, which takes this one's place.
/// </summary>
public static class GlossaryChannels
{
    private const ChannelUses Messenger = ChannelUses.Identity | ChannelUses.NoteSource | ChannelUses.FragmentSource;

    public static readonly ChannelKind OtherKind = ChannelKind.Other;

    public static ChannelDescriptor Phone { get; } = new(ChannelKind.Phone, new ChannelLook("Phone", "☏", "phone"))
    {
        Uses = ChannelUses.Identity | ChannelUses.NoteSource,
        Order = 20,
        Addresses = AddressRules.Phone,
        SamePersonAs = new HashSet<ChannelKind> { ChannelKind.WhatsApp },
    };

    public static ChannelDescriptor Telegram { get; } = new(ChannelKind.Telegram, new ChannelLook("Telegram", "➤", "telegram"))
    {
        Uses = Messenger,
        Order = 30,
        Addresses = new TelegramAddressRule(),
    };

    /// <summary>Viber's user ids are opaque strings ("01234567890A="), not phone numbers.</summary>
    public static ChannelDescriptor Viber { get; } = new(ChannelKind.Viber, new ChannelLook("Viber", "◉", "viber"))
    {
        Uses = Messenger,
        Order = 50,
        Addresses = AddressRules.Opaque("01234567890A="),
    };

    /// <summary>Messenger's page-scoped ids are digits.</summary>
    public static ChannelDescriptor FacebookMessenger { get; } = new(ChannelKind.Messenger, new ChannelLook("Messenger", "✉", "messenger"))
    {
        Uses = Messenger,
        Order = 60,
        Addresses = AddressRules.Digits("a page-scoped id (digits)", "6543210987654321"),
    };

    public static ChannelDescriptor Meeting { get; } = new(ChannelKind.Meeting, new ChannelLook("Meeting", "◎", "meeting"))
    {
        Uses = ChannelUses.NoteSource,
        Order = 70,
    };

    public static ChannelDescriptor Other { get; } = new(ChannelKind.Other, new ChannelLook("Other", "•", "other"))
    {
        Uses = Messenger,
        Order = 1000,
    };

    public static ChannelDescriptor Api { get; } = new(ChannelKind.Api, new ChannelLook("API", "⌁", "other")) { Order = 80 };

    public static ChannelDescriptor Import { get; } = new(ChannelKind.Import, new ChannelLook("Import", "⇩", "other")) { Order = 90 };

    public static IReadOnlyList<ChannelDescriptor> All { get; } = [Phone, Telegram, Viber, FacebookMessenger, Meeting, Other, Api, Import];

    /// <summary>
    /// A Telegram user's numeric id, a group's (negative: -1001234567890), or an @username (also from a
    /// t.me link), lower-cased.
    /// </summary>
    private sealed class TelegramAddressRule : AddressRule
    {
        public override string Example => "@username";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            if (text.StartsWith("https://t.me/", StringComparison.OrdinalIgnoreCase)) text = "@" + text[13..];
            if (text.StartsWith('@'))
            {
                var name = text[1..].ToLowerInvariant();
                if (name.Length is < 5 or > 32 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_') || !char.IsAsciiLetter(name[0]))
                    throw Invalid(kind, $"'{text}' is not a Telegram username: 5-32 letters, digits or '_', starting with a letter.");
                return "@" + name;
            }
            var negative = text.StartsWith('-');
            var digits = negative ? text[1..] : text;
            if (digits.Length is 0 or > 20 || !digits.All(char.IsAsciiDigit))
                throw Invalid(kind, $"'{text}' is not a numeric user or group id or an @username.");
            digits = digits.TrimStart('0') is { Length: > 0 } d ? d : "0";
            return negative && digits != "0" ? "-" + digits : digits;
        }
    }
}
