using System.Globalization;
using System.Text;

namespace Liaison.Core.Text;

/// <summary>
/// The rules every stored text obeys: no NUL, and no bidirectional control characters in names and file names. They are invisible
/// and reorder what follows: <c>invoice\u202Efdp.exe</c> reads "invoiceexe.pdf", and isolating the
/// name (<c>&lt;bdi&gt;</c>) only keeps the reversal inside it. Names and file names have no need
/// for them (the letters of Arabic or Hebrew carry their own direction), so they are removed where
/// a name enters, and marked visibly where a name stored before is shown.
/// </summary>
/// <remarks>
/// The controls: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), LRI, RLI, FSI, PDI (U+2066–U+2069),
/// LRM and RLM (U+200E, U+200F) and the Arabic letter mark (U+061C).
/// </remarks>
public static class TextSafety
{
    /// <summary>
    /// Throws <see cref="DomainRuleException"/> ("text.nul", naming <paramref name="field"/>) for a NUL
    /// character: PostgreSQL cannot store one in text, and it means nothing to a person.
    /// </summary>
    public static string? RefuseNul(string? text, string field) =>
        text is not null && text.Contains('\0')
            ? throw new DomainRuleException("text.nul", $"'{field}' contains a NUL character (U+0000), which text may not hold.", field)
            : text;

    public static bool IsBidiControl(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    public static bool HasBidiControls(string? text) => text is not null && text.AsSpan().IndexOfAny(BidiControls) >= 0;

    /// <summary>The text without its bidi control characters; the same instance when it has none.</summary>
    public static string WithoutBidiControls(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasBidiControls(text)) return text;
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
            if (!IsBidiControl(c)) clean.Append(c);
        return clean.ToString();
    }

    /// <summary>A name as it enters (a contact, a client, a sender's display name): without bidi controls, trimmed.</summary>
    public static string Name(string name) => WithoutBidiControls(name).Trim();

    /// <summary>A name typed by a person into <paramref name="field"/>: refused with a NUL in it, otherwise as <see cref="Name(string)"/>.</summary>
    public static string Name(string? name, string field) => Name(RefuseNul(name, field) ?? "");

    /// <summary>A name to show: each bidi control as a visible "⟨U+202E⟩", so a name stored with one reads as it is.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Shown(string? text)
    {
        if (text is null || !HasBidiControls(text)) return text;
        var shown = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsBidiControl(c)) shown.Append("⟨U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('⟩');
            else shown.Append(c);
        }
        return shown.ToString();
    }

    /// <summary>
    /// A file name to store or to send in Content-Disposition: no path, no control or bidi
    /// characters, at most 255 characters; "file" when nothing is left.
    /// </summary>
    public static string FileName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new StringBuilder(last.Length);
        foreach (var c in last)
            if (!char.IsControl(c) && !IsBidiControl(c)) clean.Append(c);
        var result = clean.ToString().Trim();
        return result.Length == 0 ? "file" : result.Length > 255 ? result[..255] : result;
    }

    private static readonly System.Buffers.SearchValues<char> BidiControls = System.Buffers.SearchValues.Create(
        "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C");
}
