using System.Globalization;
using Liaison.Core.Channels;
using PhoneNumbers;

namespace Liaison.Core.Identities;

/// <summary>
/// Turns what a person typed or a provider sent into the one canonical address used to match an
/// identity: e-mail lower-cased with the domain in IDNA ASCII form, phones in E.164, Telegram ids
/// as digits (or a lower-case @username), Messenger page-scoped ids as digits.
/// </summary>
/// <remarks>
/// Two spellings of the same address must normalise to the same string, or one person shows up as
/// two senders; "Jan@Żółw.PL" and "jan@xn--w-uga1v8h.pl" are one mailbox.
/// </remarks>
public static class IdentityAddress
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>Normalises <paramref name="raw"/> for <paramref name="kind"/>.</summary>
    /// <param name="defaultRegion">ISO 3166 region used for phone numbers written without a country
    /// code ("0888 123 456" with BG); null means the number must start with + or 00.</param>
    /// <exception cref="DomainRuleException">the address is not valid for the kind; Field is "address".</exception>
    public static string Normalize(ChannelKind kind, string? raw, string? defaultRegion = null)
    {
        var text = raw?.Trim() ?? "";
        if (text.Length == 0)
            throw Invalid(kind, "An address is required.");
        if (kind == ChannelKind.Email) return NormalizeEmail(text);
        if (kind == ChannelKind.Phone || kind == ChannelKind.WhatsApp || kind == ChannelKind.Viber)
            return NormalizePhone(kind, text, defaultRegion);
        if (kind == ChannelKind.Telegram) return NormalizeTelegram(text);
        if (kind == ChannelKind.Messenger) return NormalizeDigits(kind, text, "a page-scoped id (digits)");
        if (text.Length > 320) throw Invalid(kind, "An address is at most 320 characters.");
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The address as a person reads it: e-mail domains back in Unicode, phones grouped.</summary>
    public static string Display(ChannelKind kind, string normalized)
    {
        if (kind == ChannelKind.Email)
        {
            var at = normalized.LastIndexOf('@');
            if (at > 0)
            {
                try { return normalized[..(at + 1)] + Idn.GetUnicode(normalized[(at + 1)..]); }
                catch (ArgumentException) { return normalized; }
            }
        }
        if ((kind == ChannelKind.Phone || kind == ChannelKind.WhatsApp || kind == ChannelKind.Viber) && normalized.StartsWith('+'))
        {
            try { return Phones.Format(Phones.Parse(normalized, null), PhoneNumberFormat.INTERNATIONAL); }
            catch (NumberParseException) { return normalized; }
        }
        return normalized;
    }

    private static string NormalizeEmail(string text)
    {
        if (text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
            throw Invalid(ChannelKind.Email, $"'{text}' is not an e-mail address: it needs a name, '@' and a domain.");
        var local = text[..at];
        var domain = text[(at + 1)..].TrimEnd('.');
        if (local.Length > 64 || local.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
            throw Invalid(ChannelKind.Email, $"'{text}' is not an e-mail address: the part before '@' is not valid.");
        string asciiDomain;
        try { asciiDomain = Idn.GetAscii(domain); }
        catch (ArgumentException) { throw Invalid(ChannelKind.Email, $"'{text}' is not an e-mail address: the domain '{domain}' is not valid."); }
        if (!asciiDomain.Contains('.') || asciiDomain.Length > 253)
            throw Invalid(ChannelKind.Email, $"'{text}' is not an e-mail address: the domain '{domain}' has no top-level part.");
        var address = local.ToLowerInvariant() + "@" + asciiDomain.ToLowerInvariant();
        if (address.Length > 254)
            throw Invalid(ChannelKind.Email, "An e-mail address is at most 254 characters.");
        return address;
    }

    private static string NormalizePhone(ChannelKind kind, string text, string? defaultRegion)
    {
        // "00" is the international prefix in most of Europe; libphonenumber only knows it per region.
        if (text.StartsWith("00", StringComparison.Ordinal)) text = "+" + text[2..];
        PhoneNumber number;
        try { number = Phones.Parse(text, text.StartsWith('+') ? null : defaultRegion?.ToUpperInvariant()); }
        catch (NumberParseException e) when (e.ErrorType == ErrorType.INVALID_COUNTRY_CODE)
        {
            throw Invalid(kind, $"'{text}' has no country code: write it as +48 601 234 567.");
        }
        catch (NumberParseException)
        {
            throw Invalid(kind, $"'{text}' is not a phone number.");
        }
        if (!Phones.IsValidNumber(number))
            throw Invalid(kind, $"'{text}' is not a valid phone number for its country.");
        return Phones.Format(number, PhoneNumberFormat.E164);
    }

    private static string NormalizeTelegram(string text)
    {
        if (text.StartsWith("https://t.me/", StringComparison.OrdinalIgnoreCase)) text = "@" + text[13..];
        if (text.StartsWith('@'))
        {
            var name = text[1..].ToLowerInvariant();
            if (name.Length is < 5 or > 32 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_') || !char.IsAsciiLetter(name[0]))
                throw Invalid(ChannelKind.Telegram, $"'{text}' is not a Telegram username: 5-32 letters, digits or '_', starting with a letter.");
            return "@" + name;
        }
        return NormalizeDigits(ChannelKind.Telegram, text, "a numeric user id or an @username");
    }

    private static string NormalizeDigits(ChannelKind kind, string text, string expected)
    {
        if (text.Length > 20 || !text.All(char.IsAsciiDigit))
            throw Invalid(kind, $"'{text}' is not {expected}.");
        return text.TrimStart('0') is { Length: > 0 } digits ? digits : "0";
    }

    private static DomainRuleException Invalid(ChannelKind kind, string message) =>
        new($"identity.{kind.Value}.invalid", message, "address");
}
