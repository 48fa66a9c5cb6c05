using System.Text;

namespace Liaison.Channels.Email;

/// <summary>
/// Decodes 8-bit text that came without a (usable) charset: old mailers and hand-rolled scripts
/// still send raw windows-1251, KOI8-R or ISO-8859-2 with no <c>charset=</c> at all.
/// </summary>
/// <remarks>
/// The order is: strict UTF-8 (it almost never validates by accident on 8-bit legacy text); then a
/// guess among the encodings our users write in (Russian, Bulgarian, Polish). In Cyrillic text
/// nearly every letter is a high byte, in Polish only a few diacritics are, so the share of high
/// bytes among letters tells Cyrillic from Latin-2. Among Cyrillic, windows-1251 puts lower-case
/// letters at 0xE0-0xFF and KOI8-R at 0xC0-0xDF, and running text is mostly lower-case.
/// </remarks>
public static class MailCharsets
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static MailCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Makes windows-125x, KOI8-R and ISO-8859-x available (.NET has only Unicode and Latin-1 built in).</summary>
    public static void EnsureRegistered() { }

    public static Encoding Guess(ReadOnlySpan<byte> bytes)
    {
        var high = 0;
        var asciiLetters = 0;
        var cyrLower1251 = 0;
        var cyrLowerKoi8 = 0;
        foreach (var b in bytes)
        {
            if (b >= 0x80)
            {
                high++;
                if (b >= 0xE0) cyrLower1251++;
                else if (b >= 0xC0) cyrLowerKoi8++;
            }
            else if (char.IsAsciiLetter((char)b))
            {
                asciiLetters++;
            }
        }
        if (high == 0) return Encoding.UTF8;
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
        }
        var cyrillic = high > (high + asciiLetters) * 0.3;
        if (!cyrillic) return Encoding.GetEncoding("iso-8859-2");
        return Encoding.GetEncoding(cyrLowerKoi8 > cyrLower1251 ? "koi8-r" : "windows-1251");
    }

    public static string Decode(ReadOnlySpan<byte> bytes) => Guess(bytes).GetString(bytes);
}
