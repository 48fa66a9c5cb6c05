using System.Globalization;
using System.Text;

namespace Liaison.Core.Promises;

/// <summary>
/// Words a client uses to say a message is urgent ("urgent", "ASAP", "pilne", "na wczoraj",
/// "срочно", "спешно"), per language. The owner edits the list of each language; a language the
/// owner has not edited keeps <see cref="Defaults"/>.
/// </summary>
/// <remarks>
/// Rules: a marker matches whole words only ("pilne" is not found in "opilnej"), in any case and
/// with or without diacritics ("PILNE", "na wczóraj", "срочно" and "cрочно" with "ё" for "е" alike);
/// a marker of several words matches those words in a row. Only the first
/// <see cref="ScannedCharacters"/> characters of a text are read: a marker is said up front, and a
/// huge message must not cost more than a small one.
/// </remarks>
public sealed class UrgencyMarkers
{
    /// <summary>How much of a text is searched for markers.</summary>
    public const int ScannedCharacters = 20_000;

    /// <summary>At most this many markers per language, each at most <see cref="MaxMarkerLength"/> characters.</summary>
    public const int MaxMarkersPerLanguage = 100;
    public const int MaxMarkerLength = 60;

    /// <summary>The markers each language starts with.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Defaults { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["en"] = ["urgent", "urgently", "ASAP", "as soon as possible", "emergency", "immediately", "right away"],
        ["pl"] = ["pilne", "pilnie", "pilny", "pilna", "na wczoraj", "na cito", "jak najszybciej", "natychmiast"],
        ["ru"] = ["срочно", "срочный", "срочная", "срочное", "немедленно", "как можно скорее", "горит"],
        ["bg"] = ["спешно", "спешен", "спешна", "спешни", "незабавно", "веднага", "възможно най-скоро"],
    };

    private readonly Dictionary<string, (string Written, string[] Words)[]> _byLanguage;

    /// <param name="edited">the owner's lists by language; a language left out keeps its defaults.</param>
    public UrgencyMarkers(IReadOnlyDictionary<string, IReadOnlyList<string>>? edited = null)
    {
        _byLanguage = [];
        foreach (var (language, markers) in Defaults) _byLanguage[language] = Compile(markers);
        if (edited is not null)
            foreach (var (language, markers) in edited) _byLanguage[language] = Compile(markers);
    }

    /// <summary>The markers with only the defaults.</summary>
    public static UrgencyMarkers Default { get; } = new();

    /// <summary>
    /// The first marker of <paramref name="languages"/> found in <paramref name="text"/>, as the owner
    /// wrote it in the list; null when none is.
    /// </summary>
    public string? FindIn(string? text, params string[] languages)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var words = Words(text.Length > ScannedCharacters ? text[..ScannedCharacters] : text);
        if (words.Count == 0) return null;
        foreach (var language in languages.Distinct(StringComparer.Ordinal))
        {
            if (!_byLanguage.TryGetValue(language, out var markers)) continue;
            foreach (var (written, marker) in markers)
                if (Contains(words, marker)) return written;
        }
        return null;
    }

    /// <summary>
    /// Checks an edited list and returns it cleaned (trimmed, blank and repeated entries dropped);
    /// throws <see cref="DomainRuleException"/> naming <paramref name="field"/> when it breaks a rule.
    /// </summary>
    public static List<string> Clean(IEnumerable<string?>? markers, string field)
    {
        var cleaned = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in markers ?? [])
        {
            var marker = raw?.Trim() ?? "";
            if (marker.Length == 0) continue;
            Text.TextSafety.RefuseNul(marker, field);
            if (marker.Length > MaxMarkerLength)
                throw new DomainRuleException("urgencyMarkers.tooLong", $"A marker is at most {MaxMarkerLength} characters: '{marker[..20]}…'.", field);
            if (Words(marker).Count == 0)
                throw new DomainRuleException("urgencyMarkers.noWord", $"'{marker}' has no letters or digits to match.", field);
            if (seen.Add(string.Join(' ', Words(marker)))) cleaned.Add(marker);
        }
        if (cleaned.Count > MaxMarkersPerLanguage)
            throw new DomainRuleException("urgencyMarkers.tooMany", $"At most {MaxMarkersPerLanguage} markers per language.", field);
        return cleaned;
    }

    private static (string Written, string[] Words)[] Compile(IEnumerable<string> markers) =>
        markers.Select(m => (m, Words(m).ToArray())).Where(m => m.Item2.Length > 0).ToArray();

    private static bool Contains(List<string> words, string[] marker)
    {
        for (var i = 0; i + marker.Length <= words.Count; i++)
        {
            var all = true;
            for (var j = 0; j < marker.Length && all; j++) all = string.Equals(words[i + j], marker[j], StringComparison.Ordinal);
            if (all) return true;
        }
        return false;
    }

    /// <summary>The words of a text, lower-cased, without diacritics.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            if (char.IsLetterOrDigit(c)) word.Append(Fold(c));
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }

    // Letters that carry their mark inside (no decomposition): ł is l with a stroke to a Polish reader.
    private static char Fold(char c) => c switch
    {
        'ł' => 'l',
        'ø' => 'o',
        'đ' => 'd',
        'ß' => 's',
        _ => c,
    };
}
