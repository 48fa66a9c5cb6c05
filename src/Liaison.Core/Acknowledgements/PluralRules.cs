using System.Globalization;

namespace Liaison.Core.Acknowledgements;

/// <summary>CLDR plural categories (the ones our four languages use).</summary>
public enum PluralCategory
{
    One,
    Few,
    Many,
    Other,
}

/// <summary>
/// CLDR cardinal plural rules for en, pl, ru and bg (from CLDR's plurals.xml), so "1 час, 2 часа,
/// 5 часов, 21 час" comes out right. Operands as CLDR defines them: i = integer digits, v = number of
/// visible fraction digits (1.5 has v = 1, so it is "other" in pl and ru: "1,5 dnia", "1,5 дня").
/// </summary>
/// <remarks>
/// en: one = i is 1 and v is 0; other.<br/>
/// pl: one = i is 1 and v is 0; few = v is 0 and i % 10 in 2..4 and i % 100 not in 12..14;
/// many = v is 0 and (i is not 1 and i % 10 in 0..1, or i % 10 in 5..9, or i % 100 in 12..14); other.<br/>
/// ru: one = v is 0 and i % 10 is 1 and i % 100 is not 11; few = v is 0 and i % 10 in 2..4 and
/// i % 100 not in 12..14; many = v is 0 and (i % 10 is 0, or i % 10 in 5..9, or i % 100 in 11..14); other.<br/>
/// bg: one = n is 1; other.
/// </remarks>
public static class PluralRules
{
    /// <summary>The category of <paramref name="number"/> in <paramref name="language"/> (en when unknown).</summary>
    public static PluralCategory Select(string language, decimal number)
    {
        var n = Math.Abs(number);
        var i = (long)decimal.Truncate(n);
        var v = VisibleFractionDigits(n);
        var i10 = i % 10;
        var i100 = i % 100;
        return language switch
        {
            "pl" when i == 1 && v == 0 => PluralCategory.One,
            "pl" when v == 0 && i10 is >= 2 and <= 4 && i100 is not (>= 12 and <= 14) => PluralCategory.Few,
            "pl" when v == 0 && (i != 1 && i10 is 0 or 1 || i10 is >= 5 and <= 9 || i100 is >= 12 and <= 14) => PluralCategory.Many,
            "pl" => PluralCategory.Other,
            "ru" when v == 0 && i10 == 1 && i100 != 11 => PluralCategory.One,
            "ru" when v == 0 && i10 is >= 2 and <= 4 && i100 is not (>= 12 and <= 14) => PluralCategory.Few,
            "ru" when v == 0 && (i10 == 0 || i10 is >= 5 and <= 9 || i100 is >= 11 and <= 14) => PluralCategory.Many,
            "ru" => PluralCategory.Other,
            "bg" => n == 1m ? PluralCategory.One : PluralCategory.Other,
            _ => i == 1 && v == 0 ? PluralCategory.One : PluralCategory.Other,
        };
    }

    /// <summary>Picks the form for <paramref name="number"/>: forms in the order one, few, many, other (missing ones fall back to other).</summary>
    public static string Form(string language, decimal number, string one, string other, string? few = null, string? many = null) =>
        Select(language, number) switch
        {
            PluralCategory.One => one,
            PluralCategory.Few => few ?? other,
            PluralCategory.Many => many ?? other,
            _ => other,
        };

    private static int VisibleFractionDigits(decimal n)
    {
        // The decimal's scale is what was written: 1.50m shows two digits. Trailing zeros are not
        // visible for amounts typed as 1.5, which is how agreements store them.
        var text = n.ToString(CultureInfo.InvariantCulture);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? 0 : text.Length - dot - 1;
    }
}
