namespace Liaison.Core.Clients;

/// <summary>
/// Company legal forms in the four client languages ("ООО", "sp. z o.o.", "ЕООД", "Ltd", "GmbH"),
/// so that what identifies a client at a glance (the avatar's initials) comes from its name, not
/// from the form every second client shares: "ООО Северный ветер" is "СВ", not "ОС".
/// </summary>
public static class LegalForms
{
    // Written as they appear in names; compared without case, dots and spaces, so "Sp. z o.o.",
    // "sp.z o.o." and "SP Z OO" are one form. Quotes around the name ("ООО «Ромашка»") are dropped too.
    private static readonly string[] Forms =
    [
        // Polish
        "sp. z o.o.", "sp. j.", "sp. k.", "sp. p.", "s.a.", "s.c.", "spółka z o.o.", "spółka akcyjna", "p.s.a.",
        // Russian
        "ООО", "ОАО", "ЗАО", "ПАО", "АО", "ИП", "НКО", "ТОО",
        // Bulgarian
        "ЕООД", "ООД", "ЕАД", "АД", "ЕТ", "СД", "КД",
        // English and other common ones
        "Ltd", "Ltd.", "Limited", "LLC", "L.L.C.", "Inc", "Inc.", "Corp", "Corp.", "PLC", "LLP", "LP",
        "GmbH", "AG", "UG", "KG", "OHG", "e.K.", "S.A.", "S.L.", "S.R.L.", "SRL", "B.V.", "N.V.", "Oy", "AB", "ApS", "s.r.o.", "a.s.", "Kft.",
    ];

    private static readonly HashSet<string> Keys = Forms.Select(Key).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);

    private static readonly int LongestForm = Forms.Max(f => f.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>
    /// The words of <paramref name="name"/> without a leading or trailing legal form and without
    /// quotes; the name's own words unchanged when nothing else would be left ("ООО" alone stays).
    /// </summary>
    public static IReadOnlyList<string> NameWords(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = name.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('"', '\'', '«', '»', '„', '“', '”', '(', ')'))
            .Where(w => w.Length > 0)
            .ToList();
        var kept = words;
        var strippedLeading = StripLeading(kept);
        var stripped = StripTrailing(strippedLeading);
        return stripped.Count == 0 ? words : stripped;
    }

    /// <summary>True when <paramref name="words"/> taken together are a legal form ("sp. z o.o.").</summary>
    public static bool IsLegalForm(string words) => Keys.Contains(Key(words));

    private static List<string> StripLeading(List<string> words)
    {
        for (var n = Math.Min(LongestForm, words.Count); n >= 1; n--)
            if (IsLegalForm(string.Join(' ', words.Take(n)))) return words.Skip(n).ToList();
        return words;
    }

    private static List<string> StripTrailing(List<string> words)
    {
        for (var n = Math.Min(LongestForm, words.Count); n >= 1; n--)
            if (IsLegalForm(string.Join(' ', words.Skip(words.Count - n)))) return words.Take(words.Count - n).ToList();
        return words;
    }

    private static string Key(string form) =>
        string.Concat(form.Where(char.IsLetterOrDigit)).ToUpperInvariant();
}
