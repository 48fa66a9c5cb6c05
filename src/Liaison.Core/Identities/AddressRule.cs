using System.Globalization;
using Liaison.Core.Channels;
using PhoneNumbers;

namespace Liaison.Core.Identities;

/// <summary>
/// How the addresses of one kind are written down: what a person typed or a provider sent becomes
/// the one canonical address an identity is matched by, and goes back to a form a person reads.
/// Each channel's descriptor names its rule (<see cref="ChannelDescriptor.Addresses"/>); the rules
/// here are the ones more than one channel shares, or that are about the world rather than a
/// channel (a member signs in with an e-mail address).
/// </summary>
/// <remarks>
/// Two spellings of the same address must normalise to the same string, or one person shows up as
/// two senders; "Jan@Żółw.PL" and "jan@xn--w-uga1v8h.pl" are one mailbox.
/// </remarks>
public abstract class AddressRule
{
    /// <summary>What the add-identity field shows as its placeholder ("name@example.com").</summary>
    public abstract string Example { get; }

    /// <summary>Normalises <paramref name="raw"/>.</summary>
    /// <param name="defaultRegion">ISO 3166 region used for phone numbers written without a country
    /// code ("0888 123 456" with BG); null means the number must start with + or 00.</param>
    /// <exception cref="DomainRuleException">the address is not valid; Field is "address".</exception>
    public string Normalize(ChannelKind kind, string? raw, string? defaultRegion = null)
    {
        var text = raw?.Trim() ?? "";
        if (text.Length == 0) throw Invalid(kind, "An address is required.");
        return NormalizeTrimmed(kind, text, defaultRegion);
    }

    protected abstract string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion);

    /// <summary>The address as a person reads it (e-mail domains back in Unicode, phones grouped).</summary>
    public virtual string Display(string normalized) => normalized;

    protected static DomainRuleException Invalid(ChannelKind kind, string message) =>
        new($"identity.{kind.Value}.invalid", message, "address");
}

/// <summary>The address rules channels share.</summary>
public static class AddressRules
{
    /// <summary>An e-mail address: lower-cased, the domain in IDNA ASCII form; shown with the domain in Unicode.</summary>
    public static AddressRule Email { get; } = new EmailAddressRule();

    /// <summary>A phone number in E.164 ("+48601234567"), read with libphonenumber; shown grouped.</summary>
    public static AddressRule Phone { get; } = new PhoneNumberRule();

    /// <summary>A provider's numeric id ("6543210987654321"), leading zeros dropped.</summary>
    public static AddressRule Digits(string expected, string example) => new DigitsRule(expected, example);

    /// <summary>A provider's opaque id, compared exactly as given (case included): 1-128 characters, no spaces.</summary>
    public static AddressRule Opaque(string example) => new OpaqueIdRule(example);

    /// <summary>Anything a person wrote: whitespace collapsed, at most 320 characters.</summary>
    public static AddressRule Text { get; } = new TextRule();

    /// <summary>The normalised e-mail address of <paramref name="raw"/>: sign-in names are e-mail addresses.</summary>
    public static string EmailAddress(string? raw) => Email.Normalize(ChannelKind.Email, raw);

    private sealed class EmailAddressRule : AddressRule
    {
        private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

        public override string Example => "name@example.com";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            if (text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) text = text[7..];
            var at = text.LastIndexOf('@');
            if (at <= 0 || at == text.Length - 1)
                throw Invalid(kind, $"'{text}' is not an e-mail address: it needs a name, '@' and a domain.");
            var local = text[..at];
            var domain = text[(at + 1)..].TrimEnd('.');
            if (local.Length > 64 || local.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
                throw Invalid(kind, $"'{text}' is not an e-mail address: the part before '@' is not valid.");
            string asciiDomain;
            try { asciiDomain = Idn.GetAscii(domain); }
            catch (ArgumentException) { throw Invalid(kind, $"'{text}' is not an e-mail address: the domain '{domain}' is not valid."); }
            if (!asciiDomain.Contains('.') || asciiDomain.Length > 253)
                throw Invalid(kind, $"'{text}' is not an e-mail address: the domain '{domain}' has no top-level part.");
            var address = local.ToLowerInvariant() + "@" + asciiDomain.ToLowerInvariant();
            if (address.Length > 254)
                throw Invalid(kind, "An e-mail address is at most 254 characters.");
            return address;
        }

        public override string Display(string normalized)
        {
            var at = normalized.LastIndexOf('@');
            if (at <= 0) return normalized;
            try { return normalized[..(at + 1)] + Idn.GetUnicode(normalized[(at + 1)..]); }
            catch (ArgumentException) { return normalized; }
        }
    }

    private sealed class PhoneNumberRule : AddressRule
    {
        private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

        public override string Example => "+48 600 100 200";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
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

        public override string Display(string normalized)
        {
            if (!normalized.StartsWith('+')) return normalized;
            try { return Phones.Format(Phones.Parse(normalized, null), PhoneNumberFormat.INTERNATIONAL); }
            catch (NumberParseException) { return normalized; }
        }
    }

    private sealed class DigitsRule(string expected, string example) : AddressRule
    {
        public override string Example => example;

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            if (text.Length > 20 || !text.All(char.IsAsciiDigit))
                throw Invalid(kind, $"'{text}' is not {expected}.");
            return text.TrimStart('0') is { Length: > 0 } digits ? digits : "0";
        }
    }

    private sealed class OpaqueIdRule(string example) : AddressRule
    {
        public override string Example => example;

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            if (text.Length > 128 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                throw Invalid(kind, $"'{text}' is not a {kind} id: at most 128 characters without spaces.");
            return text;
        }
    }

    private sealed class TextRule : AddressRule
    {
        public override string Example => "";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion)
        {
            if (text.Length > 320) throw Invalid(kind, "An address is at most 320 characters.");
            return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
